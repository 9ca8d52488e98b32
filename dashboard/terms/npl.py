"""NPL disposal (issue 18): the written-off book, legal cases, restructurings."""

TERMS: dict[str, tuple[str, str]] = {
    "page.writeoffs": ("Written-off book", "核销台账"),
    "page.legal": ("Legal cases", "诉讼案件"),
    "page.restructure": ("Restructuring", "贷款重组"),
    # The written-off book.
    "wo.title": ("Written-off book: pursuit after write-off", "核销台账：账销案存、持续追索"),
    "wo.caption": (
        "Loans written off on or before {as_of}; recovered = principal and interest repaid after the "
        "write-off day, up to {as_of}.",
        "截至 {as_of} 已核销的贷款；回收 = 核销日之后至 {as_of} 收回的本金和利息。",
    ),
    "wo.loans": ("Written-off loans", "核销笔数"),
    "wo.written_off": ("Principal written off", "核销本金"),
    "wo.recovered": ("Recovered since write-off", "核销后回收"),
    "wo.recovered_this_year": ("Recovered this year", "本年回收"),
    "wo.pursued": ("Still pursued", "仍在追索"),
    "wo.written_off_on": ("Written off on", "核销日"),
    "wo.legal_stage": ("Legal stage", "诉讼阶段"),
    "wo.last_action_at": ("Last action", "最近催收"),
    "wo.last_action_channel": ("Last channel", "最近方式"),
    "wo.not_pursued_hint": (
        "Not pursued: no open legal case, no agency and no action in the last {days} days.",
        "未追索：无未结诉讼、未委外，且近 {days} 天无催收。",
    ),
    "def.wo_recovered": (
        "Principal and interest repaid after the write-off day, up to the as-of date. A repayment on the "
        "write-off day itself came before the write-off and lowered the principal written off.",
        "核销日之后至统计日收回的本金和利息。核销当日的还款发生在核销之前，已减少核销本金。",
    ),
    "term.wo_recovered": ("Recovered since write-off", "核销后回收"),
    # Legal stages.
    "legal.stage.preparing": ("preparing", "准备起诉"),
    "legal.stage.filed": ("filed", "已立案"),
    "legal.stage.judgment": ("judgment", "已判决"),
    "legal.stage.enforcement": ("enforcement", "执行中"),
    "legal.stage.closed": ("closed", "已结案"),
}
