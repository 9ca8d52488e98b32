"""Text someone typed, made safe for the Streamlit calls that render Markdown (st.caption, st.warning...).

st.text and dataframe cells show text as it is; the Markdown-rendering calls would turn `**x**` bold,
`[a](b)` into a link and `:red[x]` red. Escaping every ASCII punctuation character with a backslash (which
CommonMark allows for all of them) makes the text show literally.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def plain(text: object) -> str:
    """The text, escaped so Markdown shows it character for character (on one line)."""
    escaped = _PUNCTUATION.sub(r"\\\1", str(text))
    return " ".join(escaped.splitlines())
