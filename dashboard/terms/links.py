"""Values that arrive in a link (the URL's query string), and complete exports of a list."""

TERMS: dict[str, tuple[str, str]] = {
    "param.bad": (
        "The link's value for “{name}” ({value}) is not valid and was ignored.",
        "链接中参数“{name}”的值（{value}）无效，已忽略。",
    ),
    "export.prepare": (
        "Prepare downloads of all {count:,} rows",
        "准备下载全部 {count:,} 行",
    ),
    "export.preparing": ("Building the files…", "正在生成文件…"),
    "export.too_many_for_excel": (
        "{count:,} rows are more than an Excel sheet holds ({limit:,}): download the CSV.",
        "共 {count:,} 行，超过 Excel 工作表的上限（{limit:,} 行），请下载 CSV。",
    ),
}
