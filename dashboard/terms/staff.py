"""Staff KPIs page: account officers, collectors and the hand-over list."""

TERMS: dict[str, tuple[str, str]] = {
    "staff.title": ("Staff KPIs", "人员考核"),
    "staff.month": ("Month", "月份"),
    "staff.period": (
        "Month {month}; visit plan of {quarter}; ratios on loans disbursed after {cutoff}, at {as_of}.",
        "统计月份 {month}；回访计划 {quarter}；比率按 {cutoff} 之后发放的贷款计算，统计日 {as_of}。",
    ),
    "staff.empty": (
        "No account officer has active loans disbursed after {cutoff} on {as_of} in this filter.",
        "{as_of} 在此筛选范围内没有 {cutoff} 之后发放且在贷的客户经理贷款。",
    ),
    "staff.officers": ("Account officers: ranking", "客户经理排名"),
    "staff.chart": ("Overdue ratio by officer against the target", "各客户经理逾期率与目标"),
    "staff.collectors": (
        "Collectors and asset preservation: recovered this month",
        "催收与资产保全人员本月回收",
    ),
    "staff.handover": ("Hand-over list: loans whose officer has left", "待移交清单：客户经理已离职的贷款"),
    "staff.rank": ("Rank", "排名"),
    "staff.officer": ("Officer", "客户经理"),
    "staff.name": ("Name", "姓名"),
    "staff.role": ("Role", "岗位"),
    "staff.meets": ("Meets targets", "达标"),
    "staff.left_on": ("Left on", "离职日"),
    "staff.open": ("Loans", "贷款"),
    "staff.loans": ("Loans", "笔数"),
    "term.staff_recovered": ("Recovered", "回收金额"),
    "staff.met_count": ("Officers meeting targets", "达标客户经理"),
    "staff.role.phone_collector": ("Phone collector", "电催岗"),
    "staff.role.asset_preservation": ("Asset preservation", "资产保全岗"),
    "staff.role.account_officer": ("Account officer", "业务代表"),
    "staff.role.post_loan_officer": ("Post-loan officer", "贷后人员"),
    "staff.role.risk_manager": ("Risk manager", "风险经理"),
    "staff.role.manager": ("Manager", "管理层"),
    "term.staff_overdue_ratio": ("Overdue ratio (after cut-off)", "逾期率（基准日后）"),
    "term.staff_npl_ratio": ("NPL ratio (after cut-off)", "不良率（基准日后）"),
    "term.staff_first_check_on_time": ("First checks on time", "首次检查及时率"),
    "term.staff_sampling_rate": ("Sampling rate", "抽查完成率"),
    "term.staff_visit_completion": ("Visit plan completion", "回访计划完成率"),
    "term.staff_feedback_on_time": ("Issue feedback on time", "问题反馈及时率"),
    "term.staff_resolution_rate": ("Issue resolution rate", "问题整改率"),
    "def.staff_overdue_ratio": (
        "Over the officer's active loans disbursed after the cut-off date: outstanding principal with "
        "DPD > 0 / balance. Target ≤ 3%.",
        "客户经理基准日之后发放的在贷贷款中，逾期天数大于0的余额 / 贷款余额，目标 ≤ 3%。",
    ),
    "def.staff_npl_ratio": (
        "Over the same loans: outstanding principal classed substandard, doubtful or loss / balance. "
        "Target ≤ 1%.",
        "同一范围内次级、可疑、损失类余额 / 贷款余额，目标 ≤ 1%。",
    ),
    "term.staff_m3_roll_rate": ("M3 roll rate (inherited)", "M3 迁徙率（移交贷款）"),
    "def.staff_m3_roll_rate": (
        "For a phone collector (电催岗) who took over departed staff's loans (rule W 四(1)): of the "
        "inherited loans disbursed after the cut-off that they held in M3 (61–90 DPD) at the end of the "
        "month before, the balance then of those that went to M3+ or were written off by the month's end / "
        "the balance then of all of them; the roll rate of the Portfolio quality page over these loans. "
        "Judged against the setting successor_m3_roll_max; other posts are not judged on it.",
        "电催岗接手离职人员贷款（武汉细则 四(1)）：上月末由其持有且处于 M3（逾期61–90天）、在考核起始日后"
        "发放的移交贷款中，至本月末迁徙至 M3+ 或已核销者的上月末余额 / 全部此类贷款的上月末余额，即“资产质量”"
        "页迁徙率的同一口径。对标设置 successor_m3_roll_max；其他岗位不考核此项。",
    ),
    "def.staff_first_check_on_time": (
        "First checks due in the month (disbursement + 3 days for self payment, + 7 for entrusted) done "
        "by their due date / first checks due.",
        "当月到期的首次检查（自主支付放款后3天，受托支付7天）按期完成数 / 应检查数。",
    ),
    "def.staff_sampling_rate": (
        "⌈10% × loans the officer disbursed last month⌉ required; done = such loans sampled on site from "
        "the 1st to the 20th; rate = min(done, required) / required.",
        "应抽查 = ⌈上月发放笔数 × 10%⌉；完成 = 本月1日至20日现场抽查的上月贷款；"
        "完成率 = min(完成, 应抽查) / 应抽查。",
    ),
    "def.staff_visit_completion": (
        "Loans active through the whole quarter with at least one visit in it / such loans.",
        "整季在贷且季内至少回访一次的贷款 / 整季在贷贷款。",
    ),
    "def.staff_feedback_on_time": (
        "Important and major issues reported by their deadline (important: 1 working day; major: the same "
        "working day; China's working-day calendar) / such issues.",
        "按时上报（重要问题1个工作日内，重大问题当个工作日，按中国工作日历）的重要、重大问题"
        " / 重要、重大问题数。",
    ),
    "def.staff_resolution_rate": (
        "Issues raised in the month and resolved by the as-of date / issues raised in the month.",
        "当月发现且在统计日前整改完毕的问题 / 当月发现的问题。",
    ),
    "def.staff_recovered": (
        "Repaid in the month on the loans assigned to the collector, while assigned; a payment on a "
        "hand-over day counts for the new collector only.",
        "当月分配给该催收人员期间，所分配贷款的实还金额；交接当日的还款只计入接手的催收人员。",
    ),
}
