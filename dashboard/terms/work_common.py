"""Terms shared by every data-entry form: (English, 简体中文)."""

TERMS = {
    "work.err.form_invalid": (
        "{count} field(s) need correcting; nothing was saved",
        "有 {count} 处需要更正，未保存",
    ),
    "work.err.not_allowed": ("A {role} may not do this ({action})", "{role} 角色无权执行此操作（{action}）"),
    "work.err.loan_out_of_scope": (
        "Loan {loan_id} is not one of yours (or does not exist)",
        "借据 {loan_id} 不在您的管辖范围内（或不存在）",
    ),
    "work.err.record_out_of_scope": (
        "Record {record} is not one of yours (or does not exist)",
        "记录 {record} 不在您的管辖范围内（或不存在）",
    ),
    "work.err.bad_loan_id": (
        "“{loan_id}” is not a contract number: at most {max} characters, without control characters",
        "“{loan_id}” 不是借据号：最多 {max} 个字符，且不含控制字符",
    ),
    "work.err.stale": (
        "Someone else saved this record after you opened it; reload to see their change, then try again",
        "您打开后已有他人保存了此记录；请刷新查看其修改后再试",
    ),
    "work.err.required": ("Required", "必填"),
    "work.err.too_long": ("At most {max} characters", "最多 {max} 个字符"),
    "work.err.future_date": ("{value} is after today", "{value} 晚于今天"),
    "work.err.before": ("{value} is before {other}", "{value} 早于 {other}"),
    "work.saved": ("Saved as {key}", "已保存，编号 {key}"),
    "work.duplicate": (
        "This form was already submitted (saved as {key}); nothing new was written",
        "此表单已提交过（编号 {key}），未重复写入",
    ),
    "work.another": ("Record another", "再录一条"),
    "work.sign_in": ("Sign in to enter results", "请登录后录入"),
    "work.submit": ("Save", "保存"),
    "work.pick_loan": (
        "Type the contract number above, or find the loan by customer name or ID number and open this form "
        "from its card.",
        "请在上方输入合同号，或按客户姓名、证件号查找贷款后从贷款卡片进入。",
    ),
}
