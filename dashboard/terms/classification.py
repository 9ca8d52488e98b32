"""Terms of classification proposals and their approval (issue 15): (English, 简体中文)."""

from db.models.enums import CLASSES, OVERRIDE_TRIGGERS

_CLASS_NAMES = {
    "normal": ("Normal", "正常"),
    "special_mention": ("Special mention", "关注"),
    "substandard": ("Substandard", "次级"),
    "doubtful": ("Doubtful", "可疑"),
    "loss": ("Loss", "损失"),
}
_TRIGGERS = {
    "business_stopped": ("Business stopped or production halted", "停业、停产"),
    "insolvency": ("Insolvency or bankruptcy", "资不抵债或破产"),
    "defective_documents": ("Defective legal documents", "法律文件存在缺陷"),
    "fraud": ("Fraud", "欺诈"),
    "funds_misused": ("Funds used against the contract", "违反合同约定使用贷款资金"),
    "guarantor_incapable": ("Guarantor lost capacity", "保证人丧失担保能力"),
    "collateral_lost_value": ("Collateral lost value", "抵质押物价值下降"),
    "restructured": ("Restructured", "重组"),
    "overdue_elsewhere": ("Overdue at other lenders", "在其他金融机构逾期"),
    "other": ("Other", "其他"),
}
assert set(_TRIGGERS) == set(OVERRIDE_TRIGGERS)

TERMS: dict[str, tuple[str, str]] = {
    "cls.propose": ("Propose a class", "提出分类调整"),
    "cls.propose_intro": (
        "A proposal takes effect only when a risk manager of the loan's branch, not you, approves it. Any "
        "class not better than the DPD floor: a worse one, or a lift of an earlier downgrade back toward "
        "the floor.",
        "分类调整须经该贷款所属机构的另一名风险经理审批后方才生效。可提议不优于逾期天数下限的任一分类："
        "下调，或在原因消除后将此前的下调恢复至下限。",
    ),
    "cls.floor": ("DPD floor ({dpd} DPD)", "逾期天数下限（逾期 {dpd} 天）"),
    "cls.class": ("Proposed class", "建议分类"),
    "cls.triggers": ("Triggers", "触发情形"),
    "cls.other_trigger": ("Other trigger (describe)", "其他情形（请说明）"),
    "cls.reason": ("Reason", "理由"),
    "cls.inspection": ("From inspection {inspection_id}", "来自检查 {inspection_id}"),
    "cls.proposed": ("Proposal {record} saved: it waits for approval", "调整建议 {record} 已提交，等待审批"),
    "cls.pending_title": ("Proposals waiting for approval", "待审批的分类调整"),
    "cls.pending_none": ("No proposal waits for approval.", "没有待审批的分类调整。"),
    "cls.decide": ("Decide proposal", "审批"),
    "cls.comment": ("Comment", "审批意见"),
    "cls.approve": ("Approve", "批准"),
    "cls.reject": ("Reject", "驳回"),
    "cls.decided.approved": ("Proposal {record} approved", "调整建议 {record} 已批准"),
    "cls.decided.rejected": ("Proposal {record} rejected", "调整建议 {record} 已驳回"),
    "cls.history": ("Classification history", "分类调整历史"),
    "cls.status.pending": ("Pending", "待审批"),
    "cls.status.approved": ("Approved", "已批准"),
    "cls.status.rejected": ("Rejected", "已驳回"),
    "cls.status.imported": ("Approved by the core system", "核心系统已批准"),
    "cls.col.proposal_id": ("Proposal", "编号"),
    "cls.col.loan_id": ("Contract", "合同号"),
    "cls.col.dpd": ("DPD", "逾期天数"),
    "cls.col.balance": ("Balance", "余额"),
    "cls.col.current_class": ("Class now", "当前分类"),
    "cls.col.proposed_class": ("Proposed", "建议分类"),
    "cls.col.triggers": ("Triggers", "触发情形"),
    "cls.col.other_trigger": ("Other", "其他情形"),
    "cls.col.reason": ("Reason", "理由"),
    "cls.col.inspection_id": ("Inspection", "检查"),
    "cls.col.proposed_by": ("Proposed by", "提议人"),
    "cls.col.proposer": ("Proposed by", "提议人"),
    "cls.col.proposed_at": ("Proposed at", "提议时间"),
    "cls.col.effective_on": ("Effective from", "生效日期"),
    "cls.col.classification": ("Class", "分类"),
    "cls.col.status": ("Status", "状态"),
    "cls.col.decided_by": ("Approved or rejected by", "审批人"),
    "cls.col.decided_at": ("Decided at", "审批时间"),
    "cls.col.decision_comment": ("Comment", "审批意见"),
    "cls.err.unknown_trigger": ("Choose triggers from the list", "请从列表中选择触发情形"),
    "cls.err.no_trigger": ("Tick at least one trigger", "请至少选择一项触发情形"),
    "cls.err.other_blank": ("Describe the other trigger", "请说明其他情形"),
    "cls.err.inspection": (
        "Inspection {inspection_id} is not a risk-signal inspection of this loan",
        "检查 {inspection_id} 不是该贷款发出风险信号的检查",
    ),
    "cls.err.written_off": (
        "The loan was written off by {date}: its class is no longer managed",
        "该贷款已于 {date} 前核销，不再调整分类",
    ),
    "cls.err.pending_exists": (
        "This loan already has a proposal waiting for approval",
        "该贷款已有待审批的分类调整",
    ),
    "cls.err.self_approval": (
        "You proposed this: another risk manager must approve or reject it",
        "该调整由您提出，须由另一名风险经理审批",
    ),
    "cls.err.no_proposal": (
        "There is no proposal {proposal_id} in your scope",
        "您的范围内没有调整建议 {proposal_id}",
    ),
    "cls.err.already_decided": (
        "Proposal {proposal_id} was already decided ({status}) by someone else; nothing was saved",
        "调整建议 {proposal_id} 已由他人审批（{status}），本次未保存",
    ),
    "cls.floor_history": ("Class by DPD floor, and floor changes", "按逾期天数下限的分类变化及下限调整"),
    "cls.floor_history_note": (
        "The class DPD alone gave, on the days it changed, read with the floors in force now (overrides are "
        "above); and each edit of the floors that apply to this loan, from the audit log.",
        "仅按逾期天数得出的分类及其变化日期（按现行下限计算；人工调整见上表）；以及适用于本笔贷款的下限调整"
        "（取自审计日志）。",
    ),
    "cls.floors_default": ("the settings' floors", "系统默认下限"),
    "cls.kind.dpd": ("DPD floor", "逾期天数下限"),
    "cls.kind.product_floors": ("Product floors edited", "产品下限调整"),
    "cls.kind.default_floor": ("Default floor edited", "默认下限调整"),
    "cls.fcol.at": ("When", "时间"),
    "cls.fcol.kind": ("What", "事项"),
    "cls.fcol.classification": ("Class by DPD", "按逾期天数分类"),
    "cls.fcol.dpd": ("DPD", "逾期天数"),
    "cls.fcol.change": ("Floors before → after", "调整前 → 调整后"),
    "cls.fcol.by": ("By", "操作人"),
    "mig.title": ("Class migration in a month", "五级分类月度迁徙"),
    "mig.caption": (
        "Each loan's effective class at the start of the month (the previous month-end) against its end: "
        "loans in the book at both dates. Rows: class at the start; columns: class at the end.",
        "每笔贷款月初（上月末）与月末的五级分类对比，仅含两个日期均在贷的贷款。行：月初分类；列：月末分类。",
    ),
    "mig.month": ("Month", "月份"),
    "mig.dates": ("From {start} to {end}", "{start} 至 {end}"),
    "mig.counts": ("Loans", "笔数"),
    "mig.balances": ("Balance at the end", "月末余额"),
    "mig.from": ("Class at the start", "月初分类"),
    "mig.movers": ("Loans that moved", "分类变动贷款"),
    "mig.movers_caption": (
        "Cause: override — an override that took effect this month made the class; restructuring — such an "
        'override approved with the trigger "restructured"; repayment — an upgrade after repayments this '
        "month; DPD floor — the days past due crossed a floor of the loan's product.",
        "原因：人工调整——本月生效的人工调整决定了分类；重组——以“已重组”为触发情形批准的人工调整；"
        "还款——本月有还款而上调；逾期天数下限——逾期天数跨过产品的分类下限。",
    ),
    "mig.no_movers": ("No loan changed class in this month.", "本月没有分类变动的贷款。"),
    "mig.by_branch": ("Upgrades and downgrades by branch", "分机构上调与下调"),
    "mig.cause.override": ("Override", "人工调整"),
    "mig.cause.restructuring": ("Restructuring", "重组"),
    "mig.cause.repayment": ("Repayment", "还款"),
    "mig.cause.dpd_floor": ("DPD floor", "逾期天数下限"),
    "mig.direction.upgrade": ("Upgrade", "上调"),
    "mig.direction.downgrade": ("Downgrade", "下调"),
    "mig.col.loan_id": ("Contract", "合同号"),
    "mig.col.branch_id": ("Branch", "机构"),
    "mig.col.product_id": ("Product", "产品"),
    "mig.col.officer_id": ("Officer", "客户经理"),
    "mig.col.from_class": ("Class at the start", "月初分类"),
    "mig.col.to_class": ("Class at the end", "月末分类"),
    "mig.col.direction": ("Direction", "方向"),
    "mig.col.cause": ("Cause", "原因"),
    "mig.col.dpd_start": ("DPD at the start", "月初逾期天数"),
    "mig.col.dpd_end": ("DPD at the end", "月末逾期天数"),
    "mig.col.start_balance": ("Balance at the start", "月初余额"),
    "mig.col.end_balance": ("Balance at the end", "月末余额"),
    "mig.col.name": ("Name", "名称"),
    "mig.col.upgrades": ("Upgrades", "上调笔数"),
    "mig.col.upgrade_balance": ("Upgraded balance (end)", "上调余额（月末）"),
    "mig.col.downgrades": ("Downgrades", "下调笔数"),
    "mig.col.downgrade_balance": ("Downgraded balance (end)", "下调余额（月末）"),
    "mig.col.loans": ("Loans", "笔数"),
}

for _code, (_en, _zh) in _TRIGGERS.items():
    TERMS[f"cls.trigger.{_code}"] = (_en, _zh)
# Messages naming a class, one key per class so both languages read naturally.
for _name in CLASSES:
    _en, _zh = _CLASS_NAMES[_name]
    TERMS[f"cls.err.better_than_floor.{_name}"] = (
        f"At {{dpd}} DPD the loan is at least {_en}: a class may not be better than its DPD floor",
        f"逾期 {{dpd}} 天，该贷款至少为{_zh}类：分类不得优于逾期天数下限",
    )
    TERMS[f"cls.err.no_change.{_name}"] = (
        f"The loan is already {_en}; propose a different class",
        f"该贷款已为{_zh}类，请提议其他分类",
    )
