"""Words every page uses: the glossary of DOMAIN.md section 2 and the filters."""

TERMS: dict[str, tuple[str, str]] = {
    "app.title": ("Post-loan management", "贷后管理"),
    "page.overview": ("Overview", "概览"),
    "page.portfolio": ("Portfolio quality", "资产质量"),
    "page.overdue": ("Overdue lists", "逾期清单"),
    "page.inspections": ("Inspections", "贷后检查"),
    "page.agencies": ("Agencies", "委外机构"),
    "page.staff": ("Staff KPIs", "人员考核"),
    "page.weekly": ("Weekly review", "周例会"),
    "page.loans": ("Loan list", "贷款清单"),
    "page.loan": ("Loan card", "贷款卡片"),
    "filter.heading": ("Filters", "筛选"),
    "filter.as_of": ("As of", "统计日"),
    "filter.branch": ("Branch", "机构"),
    "filter.product": ("Product", "产品"),
    "filter.channel": ("Channel", "渠道"),
    "filter.officer": ("Account officer", "客户经理"),
    "filter.language": ("Language", "语言"),
    "filter.all": ("All", "全部"),
    "term.active_loans": ("Active loans", "在贷笔数"),
    "term.balance": ("Balance", "贷款余额"),
    "term.overdue_ratio": ("Overdue ratio", "逾期率"),
    "term.npl_ratio": ("NPL ratio", "不良率"),
    "term.par30": ("PAR30", "PAR30"),
    "term.par90": ("PAR90", "PAR90"),
    "term.bucket": ("Bucket", "逾期阶段"),
    "term.class": ("Classification", "五级分类"),
    "term.loans": ("Loans", "笔数"),
    "term.loan_id": ("Contract", "合同号"),
    "term.dpd": ("DPD", "逾期天数"),
    "term.outstanding_principal": ("Outstanding principal", "贷款余额"),
    "term.overdue_amount": ("Overdue amount", "逾期金额"),
    "term.roll_rate": ("Roll rate", "迁徙率"),
    "term.cure_rate": ("Cure rate", "回收率"),
    "term.target": ("Target", "目标"),
    "class.normal": ("Normal", "正常"),
    "class.special_mention": ("Special mention", "关注"),
    "class.substandard": ("Substandard", "次级"),
    "class.doubtful": ("Doubtful", "可疑"),
    "class.loss": ("Loss", "损失"),
    "common.definition": ("How this is computed", "计算口径"),
    "common.download_csv": ("Download CSV", "下载 CSV"),
    "common.download_excel": ("Download Excel", "下载 Excel"),
    "common.vs_previous": ("vs {date}", "较 {date}"),
    "common.rows_shown": (
        "Showing the first {shown:,} of {total:,} rows.",
        "显示前 {shown:,} 行，共 {total:,} 行。",
    ),
    "common.open_loans": ("Open the loans behind this figure", "查看明细贷款"),
    "empty.no_active_loans": (
        "No active loans on {as_of} in this filter: nothing was disbursed by then, or everything is repaid "
        "or written off.",
        "{as_of} 在此筛选范围内没有在贷贷款：尚未放款，或已全部结清或核销。",
    ),
    "empty.no_rows": ("Nothing to show for this filter.", "此筛选范围内没有数据。"),
    "def.balance": (
        "Σ outstanding principal (principal − principal repaid by the as-of date) of the active "
        "loans: disbursed by then, not written off, principal left.",
        "统计日在贷贷款（已放款、未核销、尚有本金）的本金余额（本金 − 已还本金）合计。",
    ),
    "def.overdue_ratio": (
        "Outstanding principal of loans with DPD > 0 / balance. DPD counts from the oldest "
        "instalment still unpaid; a payment due today is not late.",
        "逾期天数大于0的贷款余额 / 贷款余额。逾期天数自最早未还清的一期起算，当日到期不算逾期。",
    ),
    "def.npl_ratio": (
        "Outstanding principal classed substandard, doubtful or loss / balance. The class is the "
        "worse of the DPD class (91–270 substandard, 271–360 doubtful, over 360 loss) and the "
        "latest manual override.",
        "次级、可疑、损失类贷款余额 / 贷款余额。分类取逾期天数分类（91–270 次级，271–360 可疑，"
        "360 以上损失）与最近一次人工调整中较差者。",
    ),
    "def.par30": ("Outstanding principal with DPD > 30 / balance.", "逾期30天以上贷款余额 / 贷款余额。"),
    "def.par90": ("Outstanding principal with DPD > 90 / balance.", "逾期90天以上贷款余额 / 贷款余额。"),
}
