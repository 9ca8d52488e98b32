"""Terms of the My tasks page, the next action (shared with the Overdue lists page) and the compliance figures
(issue 16): (English, 简体中文)."""

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
    # dashboard.kpi.tasks.next_action: one vocabulary for the overdue list and the task lists.
    "next_action.legal": ("Legal action", "法催"),
    "next_action.agency": ("Hand to an agency", "委外催收"),
    "next_action.field_visit": ("Field visit with photos", "上门外访并拍照"),
    "next_action.repair_contact": ("Repair the contact details", "信息修复"),
    "next_action.call_twice": ("Call the borrower twice today", "今日致电借款人两次"),
    "next_action.call_contacts": ("Call the borrower and every contact", "致电借款人及全部联系人"),
    "next_action.rule": (
        "The first step that applies. Over 90 DPD, or doubtful or loss: legal action. Over {days} DPD and "
        "not placed: hand to an agency. A field visit with photos: lost contact with {amount} yuan or more "
        "overdue and no visit since; {amount} yuan or more overdue or outstanding and no visit since the "
        "loan fell due; 61–90 DPD and no visit since day 61. Lost contact below {amount} yuan overdue: "
        "repair the contact details. Otherwise T+1 to T+3: call the borrower twice a day; from T+4: the "
        "borrower and every contact each day. Lost contact: {lost} days of attempts without reaching "
        "anybody since somebody was last reached, or a lost-contact result. A visit or repair before today "
        "settles its step; one made today is today's work done.",
        "按顺序取第一条适用的。逾期超过 90 天或可疑、损失类：法催。逾期超过 {days} 天且未委外：委外催收。"
        "须上门外访并拍照：失联且逾期金额达 {amount} 元、失联后未外访；逾期金额或贷款余额达 {amount} 元、"
        "自逾期以来未外访；逾期 61–90 天、逾期第 61 天以来未外访。失联且逾期金额低于 {amount} 元：信息修复。"
        "其余 T+1 至 T+3：每日致电借款人两次；T+4 起：每日致电借款人及全部联系人。"
        "失联：自上次联系上以来有 {lost} 天尝试联系均未联系上，或记录了失联结果。"
        "今日之前的外访或信息修复视为该步骤已落实；今日完成的即为今日任务已完成。",
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
    "term.compliance_twice": ("Called twice (T+1–T+3)", "每日两次电催率（T+1–T+3）"),
    "def.compliance_twice": (
        "Of the days the holder held a loan at 1–3 DPD in the period, the share with at least two calls by "
        "the holder to the borrower that day.",
        "期间内催收方负责的贷款处于逾期 1–3 天的天数中，当天催收方致电借款人至少两次的比例。",
    ),
    "term.compliance_m1": ("M1 daily-call coverage", "M1 每日电催覆盖率"),
    "def.compliance_m1": (
        "Of the days the holder held a loan at 1–30 DPD in the period, the share with at least one call by "
        "the holder (to the borrower or a contact) that day.",
        "期间内催收方负责的贷款处于逾期 1–30 天的天数中，当天催收方至少致电一次（借款人或联系人）的比例。",
    ),
    "term.compliance_visit": ("Lost contact: visited in time", "失联贷款按时外访率"),
    "def.compliance_visit": (
        "Of the lost-contact loans the holder holds at the period's end with an overdue amount of at least "
        "the field-visit amount and a visit already due, the share with a field visit within the configured "
        "days of losing contact. Lost contact: the configured number of days with contact attempts and "
        "nobody reached since the last time somebody was (connected, promise to pay, refused or paid), or "
        "a lost-contact result.",
        "期末催收方负责的失联贷款中，逾期金额达到外访金额且外访已到期的，在失联后规定天数内完成外访的比例。"
        "失联：自上次联系上（接通、承诺还款、拒绝或已还款）以来，有尝试联系且均未联系上的天数达到规定天数，"
        "或记录了失联结果。",
    ),
    "term.compliance_repair": ("Lost contact: details repaired", "失联贷款信息修复率"),
    "def.compliance_repair": (
        "Of the lost-contact loans the holder holds at the period's end with an overdue amount below the "
        "field-visit amount, the share whose contact details were repaired since losing contact.",
        "期末催收方负责的失联贷款中，逾期金额低于外访金额的，失联后已完成信息修复的比例。",
    ),
    "compliance.none": (
        "No loans held by a collector or an agency in the period",
        "期间内无催收员或机构负责的贷款",
    ),
}
