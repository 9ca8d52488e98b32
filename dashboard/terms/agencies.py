"""Agencies page: scorecard, ranking, trend, recall flags and fee settlement."""

TERMS: dict[str, tuple[str, str]] = {
    "agencies.title": ("Collection agencies", "委外催收机构"),
    "agencies.month": ("Month", "月份"),
    "agencies.period": ("Period {start} – {end}", "统计期间 {start} 至 {end}"),
    "agencies.empty": (
        "No agency held a case in {month} in this filter: nothing was placed, or every case was recalled "
        "before the month.",
        "{month} 在此筛选范围内没有委外案件：未委案，或案件已在当月之前全部收回。",
    ),
    "agencies.scorecard": ("Scorecard and ranking", "考核评分与排名"),
    "agencies.trend": ("Recovery rate, last 6 months", "近6个月回收率"),
    "agencies.trend_empty": (
        "No agency had placed amounts in the last 6 months, so there is no trend to draw.",
        "近6个月没有委案金额，无法绘制趋势。",
    ),
    "agencies.recall": ("Flagged for recall", "建议收回案件"),
    "agencies.recall_none": ("No agency is under the thresholds this month.", "本月没有低于考核阈值的机构。"),
    "agencies.recall_rule": (
        "Flagged when the recovery rate is under {recovery} or the coverage under {coverage}.",
        "回收率低于 {recovery} 或覆盖率低于 {coverage} 时标记。",
    ),
    "agencies.fees": ("Fee settlement", "佣金结算"),
    "agencies.total": ("Total", "合计"),
    "agencies.rank": ("Rank", "排名"),
    "agencies.agency": ("Agency", "委外机构"),
    "agencies.month_col": ("Month", "月份"),
    "agencies.flag": ("Recall", "建议收回"),
    "term.agencies_cases": ("Cases", "委案笔数"),
    "term.agencies_placed": ("Placed amount", "委案金额"),
    "term.agencies_recovered": ("Recovered", "回收金额"),
    "term.agencies_recovery_rate": ("Recovery rate", "回收率"),
    "term.agencies_coverage": ("Coverage", "覆盖率"),
    "term.agencies_field_visit_rate": ("Field-visit rate", "外访率"),
    "term.agencies_calls_per_case": ("Calls per case", "户均电催次数"),
    "term.agencies_ptp_kept_rate": ("PTP kept rate", "承诺还款兑现率"),
    "term.agencies_commission_rate": ("Commission rate", "佣金比例"),
    "term.agencies_commission": ("Commission", "佣金"),
    "def.agencies_cases": (
        "Placements active in the month: placed by its last day and not recalled on or before its first day "
        "(on the recall day the case is no longer the agency's).",
        "当月有效委案：月末前已委案且未在月初当日或之前收回（收回当日案件已不属于该机构）。",
    ),
    "def.agencies_placed": ("Σ placed amount of the active placements.", "有效委案的委案金额合计。"),
    "def.agencies_recovered": (
        "Σ principal and interest repaid on the placed loan inside each placement's window: from "
        "max(placed, month start) to the day before the recall, the month end or the as-of date, whichever "
        "comes first.",
        "委案窗口期内该贷款实还本息合计；窗口期自 max(委案日, 月初) 起，"
        "至收回日前一日、月末、统计日三者中最早者止。",
    ),
    "def.agencies_recovery_rate": ("Recovered / placed amount.", "回收金额 / 委案金额。"),
    "def.agencies_coverage": (
        "Active placements with at least one action by the agency in the window / cases.",
        "窗口期内该机构至少有一次催收记录的委案 / 委案笔数。",
    ),
    "def.agencies_field_visit_rate": (
        "Active placements with a field visit by the agency in the window / cases; the target is 100%.",
        "窗口期内该机构有外访记录的委案 / 委案笔数，目标 100%。",
    ),
    "def.agencies_calls_per_case": (
        "The agency's calls in the windows / cases.",
        "窗口期内该机构电催次数 / 委案笔数。",
    ),
    "def.agencies_ptp_kept_rate": (
        "Promises falling due in the month (and not after the as-of date) met by repayments from the "
        "promise date to the due date / such promises.",
        "当月到期（且不晚于统计日）的承诺还款中，承诺日至到期日之间实还足额的笔数 / 到期承诺笔数。",
    ),
    "def.agencies_commission": ("Recovered × the agency's commission rate.", "回收金额 × 该机构佣金比例。"),
    "agencies.open_cases": ("Current cases", "当前委案"),
}
