"""Allocation (issue 16): assigning, placing, recalling, rule proposals and the hand-over queue."""

TERMS: dict[str, tuple[str, str]] = {
    "alloc.title": ("Allocate the selected loans", "分派所选贷款"),
    "alloc.select": (
        "Tick loans in the list (filter first), then choose what to do with them.",
        "先筛选，再在清单中勾选贷款，然后选择处理方式。",
    ),
    "alloc.selected": ("{count} loan(s) selected", "已选 {count} 笔"),
    "alloc.action": ("Action", "操作"),
    "alloc.action.assign": ("Assign to a collector", "分派给催收员"),
    "alloc.action.place": ("Place with an agency", "委外（委案）"),
    "alloc.action.recall": ("Recall from the agency", "从委外机构收回"),
    "alloc.action.end": ("End the assignment", "结束分派"),
    "alloc.collector": ("Collector", "催收员"),
    "alloc.agency": ("Agency", "委外机构"),
    "alloc.reason": ("Reason for the recall", "收回原因"),
    "alloc.go": ("Apply to the selected loans", "对所选贷款执行"),
    "alloc.done": ("Done: {count} change(s) saved", "已完成：保存 {count} 项变更"),
    "alloc.proposals": ("Proposals by the rules", "按规则生成的分派建议"),
    "alloc.proposals_help": (
        "31+ DPD and not placed → an agency, spread by the agencies' recovery rate over the last three "
        "months and their open cases; two failed field visits → an agency early; over 90 DPD or doubtful → "
        "asset preservation (the loan is handed to an asset preservation officer); up to 30 DPD without a "
        "collector → a phone collector with the fewest open cases.",
        "逾期31天以上且未委外 → 委外机构（按近三个月回收率和在案数分配）；两次上门未果 → 提前委外；"
        "逾期超过90天或可疑类 → 资产保全（移交资产保全岗）；逾期30天以内且无催收员 → 在案最少的电催员。",
    ),
    "alloc.no_proposals": (
        "No proposal: every overdue loan is where the rules want it.",
        "暂无建议：逾期贷款均已按规则分派。",
    ),
    "alloc.accept": ("Accept the selected proposals", "接受所选建议"),
    "alloc.rule": ("Rule", "规则"),
    "alloc.target": ("Proposed", "建议对象"),
    "alloc.rule.agency_31": ("31+ DPD, not placed", "逾期31天以上未委外"),
    "alloc.rule.agency_visits": ("Two failed field visits", "两次上门未果"),
    "alloc.rule.preservation": (
        "Over 90 DPD or doubtful: asset preservation",
        "逾期超过90天或可疑：资产保全",
    ),
    "alloc.rule.phone": ("Up to 30 DPD, no collector", "逾期30天以内未分派"),
    "alloc.open_cases": ("{count} open", "在案 {count}"),
    "alloc.role.account_officer": ("account officer", "客户经理"),
    "alloc.role.post_loan_officer": ("post-loan officer", "贷后人员"),
    "alloc.role.phone_collector": ("phone collector", "电催岗"),
    "alloc.role.asset_preservation": ("asset preservation", "资产保全岗"),
    "alloc.kind.agency": ("agency", "委外机构"),
    "alloc.kind.collector": ("collector", "催收员"),
    "alloc.err.none_selected": ("Select at least one loan", "请至少选择一笔贷款"),
    "alloc.err.twice": ("A loan is in the selection twice", "同一笔贷款被重复选择"),
    "alloc.err.unknown_kind": ("Unknown proposal kind {kind}", "未知的建议类型 {kind}"),
    "alloc.err.unknown_agency": ("No agency {agency_id}", "不存在委外机构 {agency_id}"),
    "alloc.err.unknown_staff": ("No staff member {staff_id}", "不存在员工 {staff_id}"),
    "alloc.err.wrong_role": (
        "{name} is a {role}: not for this work",
        "{name} 的岗位为 {role}，不能承接此项工作",
    ),
    "alloc.err.departed": ("{name} left on {day}", "{name} 已于 {day} 离职"),
    "alloc.err.not_joined": ("{name} joins only on {day}", "{name} 于 {day} 才入职"),
    "alloc.err.not_departed": (
        "{name} has not left by {day}: hand-over is for departed staff",
        "{name} 截至 {day} 未离职：仅离职人员的贷款需要移交",
    ),
    "alloc.err.same_person": ("The successor is the departed person", "接手人不能是离职人员本人"),
    "alloc.err.assigned": (
        "{count} loan(s) already have an open assignment on {day} ({loans}): end it first; nothing was saved",
        "{count} 笔贷款在 {day} 已有未结束的分派（{loans}）：请先结束原分派；未保存",
    ),
    "alloc.err.same_collector": (
        "{count} loan(s) are already this collector's ({loans}); nothing was saved",
        "{count} 笔贷款已分派给该催收员（{loans}）；未保存",
    ),
    "alloc.err.placed": (
        "{count} loan(s) are already placed with an agency on {day} ({loans}); nothing was saved",
        "{count} 笔贷款在 {day} 已委外（{loans}）；未保存",
    ),
    "alloc.err.placed_later": ("Loan {loans} is placed only from {day}", "贷款 {loans} 自 {day} 起才委外"),
    "alloc.err.not_overdue": (
        "{count} loan(s) are not past due on {day} ({loans}): only overdue loans go to agencies; "
        "nothing was saved",
        "{count} 笔贷款在 {day} 未逾期（{loans}）：只有逾期贷款可以委外；未保存",
    ),
    "alloc.err.not_placed": (
        "{count} loan(s) are not placed with an agency on {day} ({loans}); nothing was saved",
        "{count} 笔贷款在 {day} 未委外（{loans}）；未保存",
    ),
    "alloc.err.not_assigned": (
        "{count} loan(s) have no open assignment on {day} ({loans}); nothing was saved",
        "{count} 笔贷款在 {day} 没有未结束的分派（{loans}）；未保存",
    ),
    "alloc.err.not_held": (
        "{count} loan(s) are neither {name}'s as officer nor assigned to them ({loans}); nothing was saved",
        "{count} 笔贷款既非 {name} 管户也未分派给其催收（{loans}）；未保存",
    ),
    "admin.tab_leave": ("Staff leaving", "员工离职"),
    "admin.left_on": ("Leaves on (empty: has not left)", "离职日（留空：未离职）"),
    "admin.leave_help": (
        "From the day a member of staff leaves, they are not scored and their loans and open cases wait in "
        "the hand-over queue on the Staff page.",
        "员工自离职日起不再考核，其管户贷款和未结束的催收分派进入“人员考核”页的离职移交清单。",
    ),
    "handover.title": ("Hand-over queue: staff who left", "离职移交清单"),
    "handover.help": (
        "Loans whose account officer has left, and open collector assignments of collectors who have left. "
        "Select them and hand them to a successor in one go: from the hand-over day they are the "
        "successor's, in the figures too.",
        "管户客户经理已离职的贷款，以及已离职催收员未结束的分派。勾选后一次移交给接手人：自移交日起归接手人，"
        "考核数据同步变更。",
    ),
    "handover.none": ("Nothing to hand over on {as_of}.", "{as_of} 无待移交贷款。"),
    "handover.departed": ("Departed", "离职人员"),
    "handover.successor": ("Successor", "接手人"),
    "handover.go": ("Hand the selected loans over", "移交所选贷款"),
    "handover.kind": ("Held as", "持有方式"),
    "handover.kind.officer": ("account officer", "管户"),
    "handover.kind.collector": ("collector", "催收"),
    "handover.left_on": ("Left on", "离职日"),
    "staff.departed_title": (
        "Departed officers (not scored after leaving)",
        "已离职客户经理（离职后不再考核）",
    ),
    "staff.inherited_title": (
        "Successors on what they inherited (rule W 四(1))",
        "接手人移交贷款考核（武汉细则 四(1)）",
    ),
    "staff.inherited_help": (
        "Loans each successor took over from departed staff and holds at the as-of date, disbursed after "
        "the cut-off: overdue ratio against {overdue}, NPL ratio against {npl}. Phone collectors are also "
        "judged on the M3 roll rate of {month} over the inherited loans they held at the start of that "
        "month, against at most {roll}; the other posts are not.",
        "各接手人于统计日持有的、自离职人员移交且在考核起始日后发放的贷款："
        "逾期率对标 {overdue}，不良率对标 {npl}。电催岗另考核 {month} 的 M3 迁徙率"
        "（该月初所持移交贷款），上限 {roll}；其他岗位不考核此项。",
    ),
    "staff.m3_base": ("M3 inherited at the start of {month}", "{month} 月初 M3 移交贷款余额"),
    "staff.m3_within": ("M3 roll within limit", "M3 迁徙率达标"),
}
