"""Portfolio quality page: trends, roll and cure rates, vintage curves, breakdowns."""

TERMS: dict[str, tuple[str, str]] = {
    "portfolio.title": ("Portfolio quality", "资产质量"),
    "portfolio.month_ends": (
        "Trends over the month-ends from {first} to {last}.",
        "趋势区间：{first} 至 {last} 各月末。",
    ),
    "portfolio.balances": ("Balance by month-end", "各月末贷款余额"),
    "portfolio.by_bucket": ("By bucket", "按逾期阶段"),
    "portfolio.by_class": ("By classification", "按五级分类"),
    "portfolio.ratios": ("Overdue, NPL, PAR30 and PAR90", "逾期率、不良率、PAR30、PAR90"),
    "portfolio.month_end": ("Month-end", "月末"),
    "portfolio.month": ("Month", "月份"),
    "portfolio.ratio": ("Ratio", "比率"),
    "portfolio.measure": ("Measure", "指标"),
    "portfolio.target_line": ("Target: {name} ≤ {value}", "目标：{name} ≤ {value}"),
    "portfolio.target_min_line": ("Target: {name} ≥ {value}", "目标：{name} ≥ {value}"),
    "portfolio.roll": ("Roll rates", "迁徙率"),
    "portfolio.roll_month": ("Month", "月份"),
    "portfolio.roll_period": (
        "Base: active loans at {start}; outcome at {end}.",
        "基数：{start} 在贷贷款；结果：{end} 状态。",
    ),
    "portfolio.matrix": ("From bucket × to bucket (share of base balance)", "迁徙矩阵（占期初余额比例）"),
    "portfolio.from_bucket": ("From (start of month)", "期初阶段"),
    "portfolio.to_bucket": ("To (end of month)", "期末阶段"),
    "portfolio.share": ("Share of base", "占期初余额"),
    "portfolio.moved_balance": ("Base balance moved", "迁移余额"),
    "portfolio.to_repaid": ("Repaid", "已结清"),
    "portfolio.to_written_off": ("Written off", "已核销"),
    "portfolio.base_loans": ("Base loans", "期初笔数"),
    "portfolio.base_balance": ("Base balance", "期初余额"),
    "portfolio.cure_trend": ("Cure-rate trend", "回收率趋势"),
    "portfolio.m0_roll": ("M0 roll rate (into collection)", "M0 迁徙率（入催率）"),
    "portfolio.m1_cure": ("M1 cure rate", "M1 回收率"),
    "portfolio.m2_m3_cure": ("M2–M3 cure rate", "M2–M3 回收率"),
    "portfolio.m1_base": ("M1 base balance", "M1 期初余额"),
    "portfolio.m2_m3_base": ("M2–M3 base balance", "M2–M3 期初余额"),
    "portfolio.no_roll": (
        "No active loans at {start} in this filter, so there is no base for roll rates in {month}.",
        "{start} 此筛选范围内没有在贷贷款，{month} 没有计算迁徙率的基数。",
    ),
    "portfolio.no_cures": (
        "No loans in M1, M2 or M3 at any of these month-ends: there is nothing to cure.",
        "这些月末均没有 M1、M2、M3 阶段的贷款，无回收率可计算。",
    ),
    "portfolio.vintage": ("Vintage curves (30+ rate by month on book)", "账龄分析（按账龄的30天以上逾期率）"),
    "portfolio.cohort": ("Disbursement month", "放款月份"),
    "portfolio.month_on_book": ("Month on book", "账龄（月）"),
    "portfolio.rate_30_plus": ("30+ rate", "30天以上逾期率"),
    "portfolio.no_vintage": (
        "No loans in this filter were disbursed in the last 12 months, so there are no cohorts to show.",
        "此筛选范围内近12个月没有放款，无账龄队列可展示。",
    ),
    "portfolio.breakdowns": ("Breakdowns at {as_of}", "{as_of} 分维度统计"),
    "portfolio.by_branch": ("By branch", "按机构"),
    "portfolio.by_product": ("By product", "按产品"),
    "portfolio.by_channel": ("By channel", "按渠道"),
    "portfolio.group": ("Name", "名称"),
    "portfolio.no_channel": ("(no channel)", "（无渠道）"),
    "portfolio.open": ("Loans", "明细"),
    "term.portfolio_m0_roll": ("M0 roll rate", "M0 迁徙率"),
    "def.portfolio_m0_roll": (
        "The flow into collection: balance at the previous month-end of the loans current then and "
        "overdue (or written off) at this month-end / balance that was current.",
        "入催率：上月末正常（M0）、本月末逾期或已核销的贷款在上月末的余额 / 上月末 M0 贷款余额。",
    ),
    "term.portfolio_roll_rate": ("Roll rate", "迁徙率"),
    "def.portfolio_roll_rate": (
        "For the loans active at the previous month-end in bucket b: balance (at the previous month-end) "
        "of those in a later bucket or written off at this month-end / their balance. M3+ has no roll rate.",
        "上月末处于阶段 b 的在贷贷款中，本月末进入更差阶段或已核销者的上月末余额 / 阶段 b 上月末余额。"
        "M3+ 无迁徙率。",
    ),
    "term.portfolio_cure_rate": ("Cure rate", "回收率"),
    "def.portfolio_cure_rate": (
        "For the loans active at the previous month-end in bucket b: balance (at the previous month-end) "
        "of those current (M0) or fully repaid at this month-end / their balance. The M2–M3 rate pools "
        "M2 and M3; both are compared with their targets in the settings.",
        "上月末处于阶段 b 的在贷贷款中，本月末回到正常（M0）或已结清者的上月末余额 / 阶段 b 上月末余额。"
        "M2–M3 回收率将 M2、M3 合并计算；两者均与设置中的目标比较。",
    ),
    "term.portfolio_vintage": ("30+ rate (vintage)", "30天以上逾期率（账龄）"),
    "def.portfolio_vintage": (
        "For the loans disbursed in month v: outstanding principal at the end of month v + k of those "
        "more than 30 days past due / principal disbursed in month v. Written-off loans stay in.",
        "v 月放款的贷款：v + k 月末逾期30天以上者的本金余额 / v 月放款本金合计。已核销贷款仍计入。",
    ),
}
