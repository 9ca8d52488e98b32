"""Terms of the My tasks page and the compliance figures (issue 16): (English, 简体中文)."""

TERMS = {
    "page.my_tasks": ("My tasks", "我的任务"),
    "visit.photos": ("Photos (JPEG or PNG)", "照片（JPEG 或 PNG）"),
    "tasks.title": ("My tasks for {as_of}", "{as_of} 我的任务"),
    "tasks.intro": (
        "The overdue loans you hold on this day and what the collection rules ask next. Report back by "
        "17:00 (rule 11).",
        "您当天负责的逾期贷款及催收规则要求的下一步。请于 17:00 前反馈（规则 11）。",
    ),
    "tasks.no_holder": (
        "Your user is linked to no staff record or agency, so it has no task list",
        "您的用户未关联员工或委外机构，没有任务清单",
    ),
    "tasks.none": ("No overdue loans of yours on {as_of}", "{as_of} 您没有逾期贷款任务"),
    "tasks.open": ("Tasks", "任务数"),
    "tasks.done": ("Done today", "今日已完成"),
    "tasks.lost": ("Lost contact", "失联"),
    "tasks.col.record": ("Record", "录入"),
    "tasks.col.card": ("Loan", "贷款"),
    "tasks.col.lost_contact": ("Lost contact", "失联"),
    "tasks.col.lost_since": ("Lost contact since", "失联日期"),
    "tasks.col.next_action": ("Next action", "下一步"),
    "tasks.col.calls_today": ("Calls today", "今日通话"),
    "tasks.col.borrower_calls_today": ("Calls to the borrower", "致电借款人"),
    "tasks.col.contacts": ("Contacts", "联系人数"),
    "tasks.col.contacts_called_today": ("Contacts called", "已致电联系人"),
    "tasks.col.done_today": ("Done today", "今日完成"),
    "tasks.action.legal": ("Legal action", "法催"),
    "tasks.action.agency": ("Hand to an agency", "委外催收"),
    "tasks.action.field_visit": ("Field visit with photos", "上门外访并拍照"),
    "tasks.action.repair_contact": ("Repair the contact details", "信息修复"),
    "tasks.action.call_twice": ("Call the borrower twice today", "今日致电借款人两次"),
    "tasks.action.call_contacts": ("Call the borrower and every contact", "致电借款人及全部联系人"),
    "tasks.rules": (
        "T+1 to T+3: two calls a day. From T+4: the borrower and every contact each day. Five days of "
        "attempts without reaching anybody: lost contact, then a field visit with photos from {amount} "
        "yuan overdue, else repair the contact details. Over {agency} DPD and not placed: an agency. Over "
        "90 DPD or doubtful: legal action.",
        "T+1 至 T+3：每日电催两次。T+4 起：每日致电借款人及全部联系人。连续五天尝试联系均未联系上："
        "失联，逾期金额达 {amount} 元须上门外访并拍照，否则进行信息修复。逾期超过 {agency} 天且未委外："
        "委外。逾期超过 90 天或可疑：法催。",
    ),
    # Compliance figures (DOMAIN section 4, "Collection compliance")
    "compliance.title": ("Collection compliance", "催收合规"),
    "compliance.intro": (
        "Over the period, for each collector or agency: how often the early-collection rules were followed "
        "on the loans they held.",
        "期间内每位催收员或每家委外机构在其负责贷款上执行早期催收规则的情况。",
    ),
    "compliance.holder": ("Collector or agency", "催收员或机构"),
    "compliance.twice_days": ("T+1–T+3 loan-days", "T+1–T+3 贷款天数"),
    "compliance.twice_rate": ("Called twice", "每日两次电催率"),
    "compliance.m1_days": ("M1 loan-days", "M1 贷款天数"),
    "compliance.m1_rate": ("M1 daily calls", "M1 每日电催覆盖率"),
    "compliance.lost_big": ("Lost contact ≥ {amount}", "失联且 ≥ {amount}"),
    "compliance.visit_rate": ("Visited within {days} days", "{days} 天内外访率"),
    "compliance.lost_small": ("Lost contact < {amount}", "失联且 < {amount}"),
    "compliance.repair_rate": ("Contact details repaired", "信息修复率"),
    "compliance.none": (
        "No loans held by a collector or an agency in the period",
        "期间内无催收员或机构负责的贷款",
    ),
}
