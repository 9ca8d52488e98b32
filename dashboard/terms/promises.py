"""Promises to pay on the overdue page and the task list (dashboard.ui.promises)."""

TERMS: dict[str, tuple[str, str]] = {
    "ptp.heading": ("Promises to pay", "承诺还款"),
    "ptp.due_today": ("Promises due today", "今日到期承诺"),
    "ptp.broken": ("Broken promises (last {days} days)", "近 {days} 天违约承诺"),
    "ptp.def_due": (
        "Promises to pay whose promised day is the as-of date; 'still short' is the amount not yet repaid "
        "since the promise was made.",
        "承诺还款日为统计日的承诺；“尚差”为自承诺之日起尚未还款的金额。",
    ),
    "ptp.def_broken": (
        "Promises whose promised day was in the {days} days before the as-of date and whose amount "
        "the loan's repayments from the promise to the promised day did not reach.",
        "承诺还款日在统计日前 {days} 天内、且自承诺之日至承诺还款日的还款未达承诺金额的承诺。",
    ),
    "ptp.list_due": ("Due today ({count})", "今日到期（{count}）"),
    "ptp.list_broken": ("Broken ({count})", "已违约（{count}）"),
    "ptp.col.promised_on": ("Promised on", "承诺日期"),
    "ptp.col.ptp_on": ("To pay by", "承诺还款日"),
    "ptp.col.ptp_amount": ("Promised", "承诺金额"),
    "ptp.col.paid": ("Paid since", "已还金额"),
    "ptp.col.short": ("Still short", "尚差金额"),
    "ptp.col.by": ("Recorded by", "记录人"),
}
