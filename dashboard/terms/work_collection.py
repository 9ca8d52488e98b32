"""Terms of the collection action form and the bulk upload page: (English, 简体中文)."""

TERMS = {
    # Collection action form (催收记录)
    "action.loan_id": ("Contract number", "合同号"),
    "action.loan": ("Loan {loan_id}", "借据 {loan_id}"),
    "action.channel": ("Channel", "催收方式"),
    "action.date": ("Contact date", "联系日期"),
    "action.time": ("Contact time", "联系时间"),
    "action.result": ("Result", "结果"),
    "action.ptp_amount": ("Promised amount (yuan)", "承诺还款金额（元）"),
    "action.ptp_on": ("Promised date", "承诺还款日期"),
    "action.ptp_help": (
        "Only for the result 'Promise to pay': the amount and the date the borrower promised",
        "仅当结果为“承诺还款”时填写：借款人承诺的金额与日期",
    ),
    "action.info_repaired": (
        "New contact details found (information repair)",
        "已找到新的联系方式（信息修复）",
    ),
    "action.notes": ("Notes", "备注"),
    "action.recent": ("Latest actions on this loan", "该笔贷款最近的催收记录"),
    "action.none_yet": ("No collection action recorded for this loan yet", "该笔贷款尚无催收记录"),
    "action.col.acted_at": ("Contact time", "联系时间"),
    "action.col.channel": ("Channel", "方式"),
    "action.col.result": ("Result", "结果"),
    "action.col.ptp": ("Promise", "承诺还款"),
    "action.col.by": ("By", "催收人"),
    "action.col.notes": ("Notes", "备注"),
    "action.err.no_actor": (
        "Your user is linked to no staff record or agency, so it cannot record collection actions",
        "您的用户未关联员工或委外机构，不能录入催收记录",
    ),
    "action.err.choice": ("{value} is not one of the choices", "{value} 不是可选值"),
    "action.err.future": ("{value} is later than now", "{value} 晚于当前时间"),
    "action.err.hours": (
        "{value} is outside contact hours ({start}-{end})",
        "{value} 不在允许联系的时段内（{start}-{end}）",
    ),
    "action.err.calls": (
        "This number already has {count} call(s) about this loan on {day}; at most {max} calls a day per "
        "number",
        "该号码 {day} 已就该笔贷款有 {count} 次电话催收；每个号码每天最多 {max} 次",
    ),
    "action.contact": ("Whom you contacted", "联系对象"),
    "action.contact.borrower": ("The borrower", "借款人本人"),
    "action.err.contact": (
        "{value} is not a contact of this loan's customer",
        "{value} 不是该笔贷款客户的联系人",
    ),
    "action.photos": ("Photos (field visit: JPEG or PNG)", "照片（外访：JPEG 或 PNG）"),
    "action.photos_help": (
        "Evidence of a field visit; each photo at most {max}",
        "外访凭证；每张照片不超过 {max}",
    ),
    "photo.err.type": (
        "{name} is not a JPEG or PNG image (checked by its content)",
        "{name} 不是 JPEG 或 PNG 图片（按文件内容检查）",
    ),
    "photo.err.size": (
        "{name} is {size} bytes; at most {max} allowed",
        "{name} 为 {size} 字节；最多 {max} 字节",
    ),
    "photo.err.empty": ("{name} is empty", "{name} 是空文件"),
    "photo.err.count": ("At most {max} photos at a time", "每次最多 {max} 张照片"),
    "photo.err.channel": ("Photos go with a field visit", "仅外访可附照片"),
    "photo.title": ("Photos", "照片"),
    "photo.caption": ("{when} · {owner}", "{when} · {owner}"),
    "action.err.ptp_amount_required": ("A promise to pay needs an amount", "承诺还款需填写金额"),
    "action.err.ptp_on_required": ("A promise to pay needs a date", "承诺还款需填写日期"),
    "action.err.amount_format": (
        "{value} is not an amount (a number with at most 2 decimals, like 1234.56)",
        "{value} 不是有效金额（最多两位小数，如 1234.56）",
    ),
    "action.err.amount_positive": ("The amount must be above zero", "金额必须大于零"),
    "action.err.amount_large": ("The amount is too large", "金额过大"),
    "action.err.ptp_not_after": (
        "The promised date must be after the contact day ({day})",
        "承诺还款日期须晚于联系当天（{day}）",
    ),
    "action.err.ptp_too_far": (
        "At most {days} days after the contact: {last} at the latest",
        "最多为联系后 {days} 天，即不晚于 {last}",
    ),
    "action.err.nul": ("Contains a NUL character, which cannot be stored", "含有无法保存的 NUL 字符"),
    # Bulk upload (批量上传)
    "upload.intro": (
        "For those who keep their own records: upload a CSV file of collection actions, visits or legal "
        "cases (a stored case id updates that case). Every row is checked first, by the rules of its form; "
        "when any row is wrong, nothing is written.",
        "适用于自行记录的人员：上传催收记录、回访记录或诉讼案件的 CSV 文件（已有案件编号则更新该案件）。"
        "系统先按相应表单的规则检查每一行，任何一行有误则全部不写入。",
    ),
    "upload.kind": ("What the file holds", "文件内容"),
    "upload.kind.collection_actions": ("Collection actions", "催收记录"),
    "upload.kind.visits": ("Visits", "回访记录"),
    "upload.kind.legal_cases": ("Legal cases", "诉讼案件"),
    "upload.columns": (
        "Columns: {columns}. UTF-8 CSV with a header row; dates as YYYY-MM-DD, contact times as "
        "YYYY-MM-DD HH:MM; blank for empty.",
        "列：{columns}。UTF-8 编码、带表头的 CSV；日期格式 YYYY-MM-DD，联系时间 YYYY-MM-DD HH:MM；空值留空。",
    ),
    "upload.agency_note": (
        "Leave staff_id blank; a blank agency_id is filled with your agency's.",
        "staff_id 请留空；agency_id 留空时自动填入贵机构编号。",
    ),
    "upload.template": ("Download a template", "下载模板"),
    "upload.template_help": (
        "The header row and one example row: replace the example with your records.",
        "含表头和一行示例：请用实际记录替换示例行。",
    ),
    "upload.example_loan": ("L0001", "L0001"),
    "upload.example.collection_actions": (
        "Borrower promised to pay within a week",
        "借款人承诺一周内还款",
    ),
    "upload.example.visits": ("Reminded of the next repayment", "提醒下期还款"),
    "upload.example.legal_cases": ("Claim filed for the overdue principal and interest", "起诉追讨逾期本息"),
    "upload.file": ("CSV file", "CSV 文件"),
    "upload.preview": ("First rows of the file", "文件前几行"),
    "upload.submit": ("Check and upload", "检查并上传"),
    "upload.problems": (
        "{count} problem(s) found; nothing was written. Correct the file and upload it again.",
        "发现 {count} 处问题，未写入任何数据。请修改文件后重新上传。",
    ),
    "upload.col.file": ("File", "文件"),
    "upload.col.line": ("Line", "行"),
    "upload.col.column": ("Column", "列"),
    "upload.col.problem": ("Problem", "问题"),
    "upload.done": ("Uploaded {count} record(s): {what}", "已上传 {count} 条：{what}"),
    "upload.duplicate": (
        "This file was already uploaded from this page; nothing new was written",
        "该文件已从本页上传过，未重复写入",
    ),
}
