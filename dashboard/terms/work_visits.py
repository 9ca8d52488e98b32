"""Terms of the visit and inspection forms and of finding a loan: (English, 简体中文)."""

_VISIT_METHODS = {
    "phone": ("Phone", "电话"),
    "in_person": ("In person", "面谈"),
    "questionnaire": ("Questionnaire", "问卷"),
}
_VISIT_STAGES = {
    "application": ("Application", "申请"),
    "approval": ("Approval", "审批"),
    "disbursement": ("Disbursement", "放款"),
    "funds_use": ("Use of funds", "资金使用"),
    "repayment": ("Repayment", "还款"),
    "other": ("Other", "其他"),
}
_SEVERITIES = {
    "general": ("General", "一般"),
    "important": ("Important", "重要"),
    "major": ("Major", "重大"),
}
_INSPECTION_KINDS = {
    "first": ("First check", "首次检查"),
    "periodic": ("Periodic check", "定期检查"),
    "sampling": ("Sampling check", "抽查"),
    "special": ("Special check", "专项检查"),
}
_INSPECTION_METHODS = {
    "onsite": ("On site", "现场"),
    "offsite": ("Off site", "非现场"),
    "phone": ("Phone", "电话"),
}
_CHECKLIST = {
    "funds_use_ok": ("Funds used as contracted", "资金按合同约定用途使用"),
    "assets_changed": ("Borrower's assets changed", "借款人资产有变化"),
    "job_changed": ("Job changed", "工作有变化"),
    "income_changed": ("Income changed", "收入有变化"),
    "family_changed": ("Family situation changed", "家庭情况有变化"),
    "health_changed": ("Health changed", "健康状况有变化"),
    "illegal_or_dispute": ("Illegal acts or disputes", "存在违法行为或纠纷"),
    "guarantor_collateral_ok": (
        "Guarantor able to pay; collateral intact, valued and in custody",
        "保证人具备代偿能力，抵质押物完整、价值充足、保管良好",
    ),
    "business_ok": (
        "Business: operations, finances, market and other creditors in order",
        "经营情况、财务状况、市场及与其他债权人关系正常",
    ),
}
# The OK items asked as problems found (dashboard.work.inspections.PROBLEM_BOX): every box starts unticked.
_PROBLEMS = {
    "funds_misused": ("Funds not used as contracted", "资金未按合同约定用途使用"),
    "guarantor_collateral_weak": (
        "Guarantor unable to pay, or collateral damaged, short of value or not in custody",
        "保证人代偿能力不足，或抵质押物不完整、价值不足、保管不善",
    ),
    "business_troubled": (
        "Business: operations, finances, market or other creditors not in order",
        "经营情况、财务状况、市场或与其他债权人关系异常",
    ),
}
_FIND_COLUMNS = {
    "open": ("Open", "打开"),
    "loan_id": ("Contract", "合同号"),
    "customer": ("Customer", "客户"),
    "id_number": ("ID number", "证件号码"),
    "product": ("Product", "产品"),
    "branch": ("Branch", "机构"),
    "officer": ("Officer", "客户经理"),
    "disbursed_on": ("Disbursed", "放款日"),
    "principal": ("Principal", "本金"),
}

TERMS: dict[str, tuple[str, str]] = {
    # Visits
    "visit.loan": ("Contract number", "合同号"),
    "visit.refused": ("Your role does not record visits.", "您的角色不能录入回访。"),
    "visit.visited_on": ("Visit date", "回访日期"),
    "visit.method": ("Method", "回访方式"),
    "visit.stage": ("Stage", "回访环节"),
    "visit.content": ("Content", "回访内容"),
    "visit.feedback": ("Customer feedback", "客户反馈"),
    "visit.satisfaction": ("Satisfaction (1-5)", "满意度（1-5）"),
    "visit.next_follow_up_on": ("Next follow-up", "下次跟进日期"),
    "visit.issue_count": ("Issues found", "发现问题数"),
    "visit.issue": ("Issue {n}", "问题 {n}"),
    "visit.issue.severity": ("Severity", "严重程度"),
    "visit.issue.description": ("Description", "问题描述"),
    "visit.choose": ("Choose…", "请选择…"),
    "visit.err.no_staff": (
        "Your user has no staff record, so it cannot record visits or inspections",
        "您的用户未关联员工，不能录入回访或检查",
    ),
    "visit.err.unknown": ("Not one of the listed values", "不是可选值之一"),
    "visit.err.follow_up_too_far": (
        "More than {days} days after the visit (at most {last})",
        "距回访超过 {days} 天（最晚 {last}）",
    ),
    "visit.err.satisfaction": ("Choose a whole number from 1 to 5", "请选择 1 到 5 的整数"),
    "visit.err.not_found": (
        "No visit record {visit_id} in your scope.",
        "您的范围内没有回访记录 {visit_id}。",
    ),
    "visit.err.issue_incomplete": (
        "Each issue needs a severity and a description",
        "每个问题都需要严重程度和描述",
    ),
    # Inspections
    "insp.loan": ("Contract number", "合同号"),
    "insp.refused": ("Your role does not record inspections.", "您的角色不能录入贷后检查。"),
    "insp.kind": ("Kind of check", "检查类型"),
    "insp.method": ("Method", "检查方式"),
    "insp.done_on": ("Done on", "检查日期"),
    "insp.checklist": ("Checklist", "检查内容"),
    "insp.checklist_help": (
        "Tick what the inspection found wrong; an item left unticked was checked and found in order.",
        "勾选检查中发现的问题；未勾选的项目表示已检查且正常。",
    ),
    "insp.business_only": (
        "Operations and finances are asked for business loans only.",
        "经营与财务情况仅对经营性贷款检查。",
    ),
    "insp.findings": ("Findings", "检查发现"),
    "insp.findings_help": (
        "Required when a risk signal is raised or any box says something is wrong.",
        "提示风险信号或任何一项存在异常时必填。",
    ),
    "insp.risk_signal": ("Risk signal", "风险信号"),
    "insp.risk_signal_help": (
        "Proposes a classification override to a risk manager.",
        "将向风险经理提议调整五级分类。",
    ),
    "insp.err.unknown": ("Not one of the listed values", "不是可选值之一"),
    "insp.err.findings_required": (
        "Write down what was found: a risk signal or a box says something is wrong",
        "请填写检查发现：已提示风险信号或有检查项存在异常",
    ),
    # Find a loan
    "find.text": (
        "Contract number, customer name or last 4 of the ID number",
        "合同号、客户姓名或证件号后四位",
    ),
    "find.too_short": ("Type at least 2 characters.", "请至少输入 2 个字符。"),
    "find.none": ("No loan in your scope matches “{text}”.", "您管辖范围内没有与“{text}”匹配的贷款。"),
    "find.limited": (
        "Showing the first {limit} matches; type more to narrow.",
        "仅显示前 {limit} 条，请输入更多内容缩小范围。",
    ),
    "find.sign_in": ("Sign in to search loans.", "请登录后查找贷款。"),
}
TERMS |= {f"visit.method.{k}": v for k, v in _VISIT_METHODS.items()}
TERMS |= {f"visit.stage.{k}": v for k, v in _VISIT_STAGES.items()}
TERMS |= {f"visit.severity.{k}": v for k, v in _SEVERITIES.items()}
TERMS |= {f"insp.kind.{k}": v for k, v in _INSPECTION_KINDS.items()}
TERMS |= {f"insp.method.{k}": v for k, v in _INSPECTION_METHODS.items()}
TERMS |= {f"insp.{k}": v for k, v in _CHECKLIST.items()}
TERMS |= {f"insp.{k}": v for k, v in _PROBLEMS.items()}
TERMS |= {f"find.col.{k}": v for k, v in _FIND_COLUMNS.items()}
