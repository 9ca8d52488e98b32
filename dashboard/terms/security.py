"""Words of the security checks (issue 22): the error reference, NUL bytes, ranges of dates and amounts."""

TERMS: dict[str, tuple[str, str]] = {
    "error.unexpected": (
        "Something went wrong and was not saved. Please try again; if it happens again, tell the "
        "administrator the reference {ref}.",
        "出现错误，未保存任何内容。请重试；如仍出现，请将编号 {ref} 告知管理员。",
    ),
    "work.err.nul": ("Contains a NUL character, which cannot be stored", "含有无法保存的 NUL 字符"),
}
