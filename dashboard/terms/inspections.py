"""Inspections page: first checks, pending list, monthly sampling, periodic checks, officer heatmap."""

TERMS: dict[str, tuple[str, str]] = {
    "inspections.title": ("Post-loan inspections", "贷后检查"),
    "inspections.period_kind": ("Period", "统计期间"),
    "inspections.by_month": ("Month", "按月"),
    "inspections.by_range": ("Date range", "自定义期间"),
    "inspections.month": ("Month", "月份"),
    "inspections.range": ("From – to", "起止日期"),
    "inspections.period": (
        "Tasks due {start} – {end}, compared with {previous_start} – {previous_end}",
        "{start} 至 {end} 到期的任务，对比 {previous_start} 至 {previous_end}",
    ),
    "inspections.first_checks": ("First checks", "首次检查"),
    "inspections.by_branch": ("By branch", "按机构"),
    "inspections.by_officer": ("By account officer", "按客户经理"),
    "inspections.pending": ("Pending first checks, most late first", "待完成首次检查（按逾期天数排序）"),
    "inspections.sampling": ("Monthly sampling {month}", "{month} 月度抽查"),
    "inspections.sampling_empty": (
        "Nothing to sample in {month}: no loan in this filter was disbursed the month before.",
        "{month} 无需抽查：此筛选范围内上月没有放款。",
    ),
    "inspections.periodic": ("Periodic checks", "定期检查"),
    "inspections.heatmap": (
        "First-check on-time rate, officer × month (last 6 months)",
        "首次检查按时率：客户经理 × 月份（近6个月）",
    ),
    "inspections.heatmap_empty": (
        "No first check fell due in the last 6 months in this filter, so there is nothing to draw.",
        "近6个月此筛选范围内没有到期的首次检查，无法绘制。",
    ),
    "inspections.empty": (
        "No first check fell due between {start} and {end} in this filter: no loan was disbursed in time "
        "for one.",
        "{start} 至 {end} 此筛选范围内没有到期的首次检查：期间没有相应的放款。",
    ),
    "inspections.branch": ("Branch", "机构"),
    "inspections.officer": ("Account officer", "客户经理"),
    "inspections.month_col": ("Month", "月份"),
    "inspections.due": ("Due", "应检"),
    "inspections.done": ("Done", "已检"),
    "inspections.on_time": ("On time", "按时"),
    "inspections.late": ("Late", "逾期完成"),
    "inspections.missing": ("Missing", "未完成"),
    "inspections.due_on": ("Due on", "应检日"),
    "inspections.days_late": ("Days late", "逾期天数"),
    "inspections.open": ("Card", "卡片"),
    "inspections.disbursed_last_month": ("Disbursed last month", "上月放款笔数"),
    "inspections.required": ("Required", "应抽查"),
    "inspections.sampling_rate": ("Sampling rate", "抽查完成率"),
    "inspections.sampling_target": (
        "Target ≥ {target}: {met} of {officers} officers",
        "目标 ≥ {target}：{officers} 名客户经理中 {met} 名达标",
    ),
    "inspections.sampling_meets": ("At target", "达标"),
    "term.inspections_completion_rate": ("First-check completion", "首次检查完成率"),
    "term.inspections_on_time_rate": ("First-check on time", "首次检查按时率"),
    "term.inspections_pending": ("Pending first checks", "待完成首次检查"),
    "term.inspections_periodic_on_time_rate": ("Periodic checks on time", "定期检查按时率"),
    "term.inspections_sampling_rate": ("Sampling", "月度抽查"),
    "def.inspections_completion_rate": (
        "First checks done by the as-of date / first checks due in the period. A first check is due 3 days "
        "after disbursement for self-payment loans and 7 days for entrusted payment; target 100%.",
        "统计日前已完成的首次检查 / 期间内到期的首次检查。"
        "自主支付贷款放款后3天到期，受托支付7天到期；目标 100%。",
    ),
    "def.inspections_on_time_rate": (
        "First checks done on or before their due date / first checks due in the period; target 100%.",
        "在应检日当日或之前完成的首次检查 / 期间内到期的首次检查；目标 100%。",
    ),
    "def.inspections_pending": (
        "First checks due in the period and not done by the as-of date; days late counts from the due date.",
        "期间内到期、统计日仍未完成的首次检查；逾期天数自应检日起算。",
    ),
    "def.inspections_periodic_on_time_rate": (
        "For products with an interval of k months, checks fall due at disbursement + k, 2k, … months while "
        "the loan is active. On time: any inspection in the k months up to the due date; late: the first "
        "one after it came before the as-of date; missing: neither.",
        "设有检查周期 k 个月的产品，在贷期间于放款后 k、2k……个月到期。按时：到期日前 k 个月内有任一检查；"
        "逾期完成：到期后、统计日前完成；未完成：两者皆无。",
    ),
    "def.inspections_sampling_rate": (
        "Per account officer and month: required = ⌈10% × loans they disbursed the month before⌉; done = "
        "such loans with an on-site sampling check from the 1st to the 20th. Rate = min(done, required) / "
        "required, against 100%.",
        "按客户经理和月份：应抽查 = ⌈10% × 其上月放款笔数⌉；已抽查 = 本月1日至20日完成现场抽查的上述贷款。"
        "完成率 = min(已抽查, 应抽查) / 应抽查，目标 100%。",
    ),
}
