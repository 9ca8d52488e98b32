"""Terms of the issue workflow, classification overrides and the audit log: (English, 简体中文)."""

from db.models.enums import CLASSES

_CLASS_NAMES = {
    "normal": ("Normal", "正常"),
    "special_mention": ("Special mention", "关注"),
    "substandard": ("Substandard", "次级"),
    "doubtful": ("Doubtful", "可疑"),
    "loss": ("Loss", "损失"),
}

TERMS: dict[str, tuple[str, str]] = {
    # Issues
    "issue.state": ("Show", "显示"),
    "issue.state.open": ("Open", "未解决"),
    "issue.state.resolved": ("Resolved", "已解决"),
    "issue.state.all": ("All", "全部"),
    "issue.tab_mine": ("My issues", "我的问题"),
    "issue.tab_all": ("All in my scope", "我管辖的全部问题"),
    "issue.no_staff": (
        "Your user has no staff record, so no issue can be assigned to you.",
        "您的用户未关联员工，无法被分派问题。",
    ),
    "issue.order": (
        "Important and major issues past their reporting deadline (important: 1 working day; major: the same "
        "working day) and not yet reported "
        "come first, then major before important before general, then the oldest.",
        "已过上报时限（重要问题1个工作日，重大问题当个工作日）仍未上报的重要、重大问题排在最前，其次按重大、重要、一般排序，再按提出日期由早到晚。",
    ),
    "issue.severity.general": ("General", "一般"),
    "issue.severity.important": ("Important", "重要"),
    "issue.severity.major": ("Major", "重大"),
    "issue.col.issue_id": ("Issue", "问题编号"),
    "issue.col.loan_id": ("Contract", "合同号"),
    "issue.col.severity": ("Severity", "严重程度"),
    "issue.col.raised_on": ("Raised", "提出日期"),
    "issue.col.report_deadline": ("Report by", "上报时限"),
    "issue.col.repeated": ("Repeated", "重复出现"),
    "issue.col.found_on": ("Found on", "发现于"),
    "issue.found_on.visit": ("Visit", "回访"),
    "issue.found_on.inspection": ("Inspection", "贷后检查"),
    "issue.col.reported_on": ("Reported", "上报日期"),
    "issue.col.days_past_deadline": ("Days past deadline", "超时天数"),
    "issue.col.past_deadline": ("Past deadline, unreported", "超时未上报"),
    "issue.col.assignee": ("Assigned to", "处理人"),
    "issue.col.description": ("Description", "问题描述"),
    "issue.col.resolved_on": ("Resolved", "解决日期"),
    "issue.col.resolution": ("Resolution", "处理结果"),
    "issue.col.version": ("Version", "版本"),
    "issue.col.status": ("Status", "状态"),
    "issue.col.open": ("Loan card", "贷款卡片"),
    "issue.pick": ("Work on issue", "处理问题"),
    "issue.pick_none": ("— choose an issue —", "— 选择问题 —"),
    "issue.panel": ("Issue {issue_id} on loan {loan_id}", "借据 {loan_id} 的问题 {issue_id}"),
    "issue.seen": (
        "As read at version {version}. If someone else changes it meanwhile, your save is refused; reload to "
        "see their change.",
        "读取时版本为 {version}。如期间他人已修改，您的保存会被拒绝；请刷新查看其修改。",
    ),
    "issue.reload": ("Reload this issue", "重新读取此问题"),
    "issue.read_only": ("Your role can view issues but not change them.", "您的角色只能查看问题，不能修改。"),
    "issue.nothing_to_do": (
        "Nothing your role can do on this issue in its current state.",
        "该问题当前状态下您的角色无可执行操作。",
    ),
    "issue.assign": ("Assign", "分派"),
    "issue.assign.staff": ("Assign to", "分派给"),
    "issue.report": ("Mark reported", "标记已上报"),
    "issue.report.reported_on": ("Reported on", "上报日期"),
    "issue.resolve": ("Resolve", "解决"),
    "issue.resolve.resolved_on": ("Resolved on", "解决日期"),
    "issue.resolve.resolution": ("Resolution note", "处理结果说明"),
    "issue.reopen": ("Reopen", "重新打开"),
    "issue.reopen.reason": ("Why reopen", "重新打开原因"),
    "issue.done.assign": ("Issue {issue_id} assigned", "问题 {issue_id} 已分派"),
    "issue.done.report": ("Issue {issue_id} marked reported", "问题 {issue_id} 已标记上报"),
    "issue.done.resolve": ("Issue {issue_id} resolved", "问题 {issue_id} 已解决"),
    "issue.done.reopen": ("Issue {issue_id} reopened", "问题 {issue_id} 已重新打开"),
    "issue.done.duplicate": (
        "This form was already submitted; nothing new was written",
        "此表单已提交过，未重复写入",
    ),
    "issue.err.not_found": (
        "Issue {issue_id} is not one of yours (or does not exist)",
        "问题 {issue_id} 不在您的管辖范围内（或不存在）",
    ),
    "issue.err.not_open": ("Issue {issue_id} is already resolved", "问题 {issue_id} 已解决"),
    "issue.err.not_resolved": (
        "Issue {issue_id} is not resolved, so it cannot be reopened",
        "问题 {issue_id} 未解决，无法重新打开",
    ),
    "issue.err.already_reported": (
        "Issue {issue_id} was already reported on {date}",
        "问题 {issue_id} 已于 {date} 上报",
    ),
    "issue.err.staff_out_of_scope": (
        "{staff_id} is not a current staff member of your branches",
        "{staff_id} 不是您所辖机构的在职员工",
    ),
    # Classification overrides
    "ovr.loan": ("Contract number", "合同号"),
    "ovr.refused": (
        "Only risk managers and account officers may propose a classification.",
        "只有风险经理和客户经理可以提出五级分类调整。",
    ),
    "ovr.current": ("Class on {date}", "{date} 的分类"),
    "ovr.not_active": (
        "Loan {loan_id} is not active on {date} (not yet disbursed, repaid or written off): "
        "nothing to override.",
        "借据 {loan_id} 在 {date} 不在贷（未放款、已结清或已核销），无需调整。",
    ),
    "ovr.nothing_worse": (
        "The loan is already Loss on {date}: there is no worse class.",
        "该贷款在 {date} 已为损失类，没有更差的分类。",
    ),
    "ovr.rule": (
        "A class is never better than the loan's DPD floor; a change needs a written reason and counts in "
        "every figure from the day it is approved.",
        "分类不得优于逾期天数下限；调整须书面说明理由，自批准之日起计入各项指标。",
    ),
    "ovr.effective_on": ("Effective from", "生效日期"),
    "ovr.classification": ("New class", "调整后分类"),
    "ovr.reason": ("Reason", "调整理由"),
    "ovr.history": ("Overrides of this loan", "该贷款的分类调整记录"),
    "ovr.col.effective_on": ("Effective from", "生效日期"),
    "ovr.col.classification": ("Class", "分类"),
    "ovr.col.reason": ("Reason", "理由"),
    "ovr.col.staff": ("By", "调整人"),
    "ovr.proposals": ("Proposed by risk-signal inspections", "风险信号检查建议调整"),
    "ovr.col.open": ("Override", "调整"),
    "ovr.col.loan_id": ("Contract", "合同号"),
    "ovr.col.done_on": ("Inspected", "检查日期"),
    "ovr.col.inspector": ("Inspector", "检查人"),
    "ovr.col.findings": ("Findings", "检查发现"),
    "ovr.col.current_class": ("Class now", "当前分类"),
    "ovr.saved": ("Override saved ({record})", "分类调整已保存（{record}）"),
    "ovr.duplicate": (
        "This form was already submitted ({record}); nothing new was written",
        "此表单已提交过（{record}），未重复写入",
    ),
    "ovr.err.no_staff": (
        "Your user has no staff record; an override must name the risk manager who made it",
        "您的用户未关联员工；分类调整须记录调整人",
    ),
    "ovr.err.unknown_class": ("Choose one of the five classes", "请选择五级分类之一"),
    "ovr.err.exists": (
        "This loan already has an override effective {date}; choose another date",
        "该贷款已有 {date} 生效的分类调整，请选择其他日期",
    ),
    "ovr.err.inactive": (
        "The loan is not active on {date} (not yet disbursed, repaid or written off)",
        "该贷款在 {date} 不在贷（未放款、已结清或已核销）",
    ),
    # Audit log
    "audit.refused": (
        "Only managers, auditors and administrators may read the audit log.",
        "只有管理人员、审计人员和系统管理员可以查看审计日志。",
    ),
    "audit.intro": (
        "Every change: who made it, when, which record, and the values before and after. Newest first.",
        "每一次修改：操作人、时间、记录，以及修改前后的值。按时间由新到旧排列。",
    ),
    "audit.user": ("User", "用户"),
    "audit.table": ("Table", "数据表"),
    "audit.record": ("Record key", "记录编号"),
    "audit.since": ("From", "起始日期"),
    "audit.until": ("To", "截止日期"),
    "audit.any": ("Any", "全部"),
    "audit.col.at": ("When", "时间"),
    "audit.col.username": ("User", "用户"),
    "audit.col.action": ("Action", "操作"),
    "audit.col.table": ("Table", "数据表"),
    "audit.col.record": ("Record", "记录"),
    "audit.col.before": ("Before", "修改前"),
    "audit.col.after": ("After", "修改后"),
}

# "Not worse" names the class the loan already has, one key per class so both languages read naturally.
for _name in CLASSES:
    _en, _zh = _CLASS_NAMES[_name]
    TERMS[f"ovr.err.not_worse.{_name}"] = (
        f"The loan is already {_en} on {{date}}; an override may only move it to a worse class",
        f"该贷款在 {{date}} 已为{_zh}类；人工调整只能调至更差的分类",
    )
