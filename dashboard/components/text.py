"""Data shown inside Markdown as the text it is: the one helper every page uses when a file
name, sheet name, user name or value goes into st.markdown, st.caption, st.info and the like.
A file called `![x](https://evil/x.png)` must read as those characters, never load an image or
draw a link; an icon or colour directive (`:material/x:`, `:red[x]`) stays text too.
"""

from __future__ import annotations

import re

# Every mark Markdown, its GFM autolinks (www., @, ://) or Streamlit's directives (:icon:,
# :red[...], $math$) could act on, backslashed: CommonMark shows an escaped mark as itself.
ACTIVE = "!#$&()*+-.:<>@[\\]^_`{|}~"
_ACTIVE = re.compile("([" + re.escape(ACTIVE) + "])")


def plain(value: object) -> str:
    """`value` as Markdown that renders exactly its text, on one line (a line break in data
    could start a heading or a list)."""
    return _ACTIVE.sub(r"\\\1", " ".join(str(value).split()))
