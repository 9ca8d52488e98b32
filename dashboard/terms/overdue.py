"""Overdue lists page: the overdue loans, rule-2 breaches, next actions and collectors' task lists."""

TERMS: dict[str, tuple[str, str]] = {
    "overdue.title": ("Overdue lists", "逾期清单"),
    "overdue.target_zero": ("Target: 0", "目标：0"),
    "overdue.by_action": ("Overdue loans by next action and bucket", "按下一步措施和逾期阶段分布"),
    "overdue.list": ("Every overdue loan, worst first", "全部逾期贷款（按严重程度排序）"),
    "overdue.breaches_only": ("Only loans with a breach", "只看违规贷款"),
    "overdue.tasks": ("Daily task list per collector", "催收员每日任务清单"),
    "overdue.collector": ("Collector", "催收员"),
    "overdue.no_collectors": (
        "No collector has loans in this filter assigned on {as_of}: assignments are made by the app "
        "when a loan is handed to a phone collector or an asset preservation officer.",
        "{as_of} 在此筛选范围内没有分派给催收员的贷款：贷款分派给电催岗或资产保全岗后才会出现。",
    ),
    "overdue.no_tasks": (
        "None of this collector's assigned loans is overdue on {as_of}.",
        "该催收员名下的贷款在 {as_of} 均未逾期。",
    ),
    "overdue.none": (
        "No overdue loan on {as_of} in this filter: every active loan is current.",
        "{as_of} 在此筛选范围内没有逾期贷款：全部在贷贷款均正常还款。",
    ),
    "overdue.open": ("Card", "卡片"),
    "overdue.officer": ("Account officer", "客户经理"),
    "overdue.agency": ("Agency", "委外机构"),
    "overdue.collector_col": ("Collector", "催收员"),
    "overdue.last_action_on": ("Last action", "最近催收日"),
    "overdue.last_channel": ("Channel", "催收方式"),
    "overdue.last_result": ("Result", "催收结果"),
    "overdue.days_since_contact": ("Days since contact", "距上次联系天数"),
    "overdue.lost_contact_since": ("Lost contact since", "失联起始日"),
    "overdue.lost_contact_days": ("Days lost", "失联天数"),
    "overdue.field_visited": ("Field visit", "已外访"),
    "overdue.next_action": ("Next action", "下一步措施"),
    "overdue.reporting": (
        "Work the list from the top and report back by 17:00 (rule 11).",
        "请按清单顺序处理，并于 17:00 前反馈（规则 11）。",
    ),
    "overdue.channel.sms": ("SMS", "短信"),
    "overdue.channel.call": ("Call", "电话"),
    "overdue.channel.letter": ("Letter", "催收函"),
    "overdue.channel.field_visit": ("Field visit", "上门外访"),
    "overdue.channel.legal": ("Legal", "法催"),
    "overdue.result.connected": ("Connected", "已接通"),
    "overdue.result.no_answer": ("No answer", "未接听"),
    "overdue.result.lost_contact": ("Lost contact", "失联"),
    "overdue.result.ptp": ("Promise to pay", "承诺还款"),
    "overdue.result.refused": ("Refused", "拒绝还款"),
    "overdue.result.paid": ("Paid", "已还款"),
    "overdue.role.phone_collector": ("phone collector", "电催岗"),
    "overdue.role.asset_preservation": ("asset preservation", "资产保全岗"),
    "term.overdue_loans": ("Overdue loans", "逾期笔数"),
    "term.overdue_big_no_visit": ("50,000+ without a field visit", "5万元以上未外访"),
    "term.overdue_not_placed": ("31+ DPD not placed", "逾期31天以上未委外"),
    "term.overdue_lost_no_visit": ("Lost contact, no field visit", "失联未外访"),
    "def.overdue_loans": (
        "Active loans with DPD > 0 at the end of the as-of day; DPD counts from the oldest unpaid "
        "instalment, and a payment due today is not late.",
        "统计日日终逾期天数大于0的在贷贷款；逾期天数自最早未还清的一期起算，当日到期不算逾期。",
    ),
    "def.overdue_big_no_visit": (
        "Overdue loans whose overdue amount or outstanding principal is {amount} yuan or more and that "
        "had no field visit since they fell overdue (rule 2: a field visit with photos is required).",
        "逾期金额或贷款余额达 {amount} 元及以上、且自逾期以来未上门外访的逾期贷款（规则2：须外访并拍照）。",
    ),
    "def.overdue_not_placed": (
        "Loans over {days} DPD with no agency placement active at the as-of date (placed on or before "
        "it, not recalled by then). Rule 2: all loans at 31+ DPD go to agencies.",
        "逾期超过 {days} 天、统计日无有效委案（已委案且未收回）的贷款。规则2：逾期31天以上全部委外。",
    ),
    "def.overdue_lost_no_visit": (
        "Loans whose latest collection result is lost contact, unbroken for {days} days or more, "
        "with no field visit since they fell overdue.",
        "最近催收结果为失联、且连续失联 {days} 天及以上，自逾期以来未上门外访的贷款。",
    ),
    "term.overdue_next_action": ("Next action", "下一步措施"),
    "def.overdue_days_since_contact": (
        "Days from the latest action that reached somebody (connected, promise to pay, refused, paid) "
        "to the as-of date; empty when nobody was ever reached.",
        "自最近一次联系上（接通、承诺还款、拒绝、已还款）至统计日的天数；从未联系上则为空。",
    ),
    "term.overdue_days_since_contact": ("Days since contact", "距上次联系天数"),
}
