"""Data is text, never markup: file names and values go into Markdown escaped."""

from __future__ import annotations

import re

import pytest

from dashboard.components.text import ACTIVE, plain

HOSTILE = ["![x](https://evil/x.png)", "[sign in again](https://evil/login)", "<img src=x>",
           ":material/lock: :red[urgent]", "# heading\n- list", "www.evil.example", "`code`",
           "a_b*c*", "&lt;b&gt;", "$x^2$"]


def _unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize("value", HOSTILE)
def test_every_active_mark_is_escaped_and_the_text_kept(value: str) -> None:
    shown = plain(value)
    assert _unescape(shown) == " ".join(value.split())
    # No punctuation mark is left for Markdown (or Streamlit's directives) to act on.
    assert re.search("[" + re.escape(ACTIVE) + "]", re.sub(r"\\.", "", shown)) is None
    assert "\n" not in shown


def test_the_overview_file_name_example() -> None:
    assert plain("![x](https://evil/x.png).csv") == (
        r"\!\[x\]\(https\://evil/x\.png\)\.csv")


def test_plain_text_is_left_as_it_reads() -> None:
    assert plain("Northshire 2026 Q1") == "Northshire 2026 Q1"
