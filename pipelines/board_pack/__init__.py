"""The quarterly SEND board pack: one page per headline metric with its statistical process control
chart and icons, the overdue and at-risk lists in summary, a page for each part of the wider remit
that has data, and an appendix of tables. `model` says what a pack holds, `build` computes it from
the metrics once, and `pdf`, `pptx` and `xlsx` write it (charts: `charts`); the /board-pack page
and `python -m pipelines board-pack` share them through the names below.

DATA PROTECTION: a board pack is published, so every count of 1-4 shows as "<5" and rates built
on one are withheld (pipelines.suppression). No record-level identifier enters the pack.
"""

from pipelines.board_pack.build import build_board_pack, has_data, pack_as_of, provenance
from pipelines.board_pack.model import (
    HOW_TO_READ,
    ICON_KEY,
    METRICS,
    REMIT,
    SERIES_MONTHS,
    WAITING,
    BoardPack,
    Figure,
    MetricPage,
    MetricSpec,
    Page,
    Table,
    TablePage,
    default_as_of,
)
from pipelines.board_pack.pdf import write_pdf
from pipelines.board_pack.pptx import write_pptx
from pipelines.board_pack.xlsx import appendix_tables, headline_table, series_table, write_xlsx
from pipelines.periods import Quarter, parse_quarter, quarter_of

WRITERS = {".pdf": write_pdf, ".pptx": write_pptx, ".xlsx": write_xlsx}

__all__ = [
    "HOW_TO_READ", "ICON_KEY", "METRICS", "REMIT", "SERIES_MONTHS", "WAITING", "WRITERS",
    "BoardPack", "Figure", "MetricPage", "MetricSpec", "Page", "Quarter", "Table", "TablePage",
    "appendix_tables", "build_board_pack", "default_as_of", "has_data", "headline_table",
    "pack_as_of", "parse_quarter", "provenance", "quarter_of", "series_table", "write_pdf", "write_pptx",
    "write_xlsx",
]
