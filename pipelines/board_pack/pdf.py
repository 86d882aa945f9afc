"""The board pack as a PDF (fpdf2, A4 landscape): a cover with the headlines and how to read the
charts, one page per metric, the overdue and at-risk summaries, and the wider remit's pages. Charts
are the page's own plotly figures rendered to PNG; icons are drawn as circles with a letter and
words beside them.

Text uses the PDF core fonts, so it is kept to Latin-1 (no font files are needed).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from pipelines import spc
from pipelines.board_pack.charts import PNG_SIZE
from pipelines.board_pack.model import (
    ICON_KEY,
    BoardPack,
    Figure,
    MetricPage,
    Table,
    TablePage,
    cell_text,
    column_chars,
    icon_is_square,
)

FONT = "helvetica"
INK = (31, 31, 31)
MUTED = (89, 89, 89)  # #595959, 7:1 on white
MARGIN = 12
PAGE_W = 297
PAGE_NUMBER_W = 24  # the footer's right-hand cell, kept clear of the note beside it
LEFT = 78  # a metric page's left column: the figure, its icons and other figures
_REPLACE = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
            "\u201d": '"', "\u2265": ">=", "\u2264": "<=", "\u03c3": "sigma", "\u2026": "..."}


def latin1(text: str) -> str:
    for char, plain in _REPLACE.items():
        text = text.replace(char, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class PackPDF(FPDF):
    def __init__(self, pack: BoardPack) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.pack = pack
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=16)
        self.set_title(latin1(pack.title))
        self.set_subject(latin1(pack.subtitle))
        self.set_author(latin1(pack.area))
        self.set_creator("SEND Coordination Dashboard")
        self.set_lang("en-GB")
        # The as-of date, not the clock: the same data give the same file.
        self.set_creation_date(dt.datetime.combine(pack.as_of, dt.time(0, 0),
                                                   tzinfo=dt.UTC))

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, latin1(f"{self.pack.title} · {self.pack.quarter.dates} · "
                               f"{self.pack.scope}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def footer(self) -> None:
        """The notes, wrapped within their own width, and the page number in a cell of its own
        (the notes run wider than one line, so they must not share its space)."""
        self.set_y(-13)
        top = self.get_y()
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        note = " ".join(n for n in (self.pack.suppression_note, self.pack.data_note) if n)
        width = self.epw - PAGE_NUMBER_W - 4
        self.multi_cell(width, 3.4, latin1(note), align="L", new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        self.set_xy(self.l_margin + width + 4, top)
        self.cell(PAGE_NUMBER_W, 3.4, f"Page {self.page_no()} of {{nb}}", align="R")

    # ---- pieces ------------------------------------------------------------------------

    def text_block(self, text: str, size: float = 10, style: str = "", width: float = 0,
                   colour: tuple[int, int, int] = INK, height: float | None = None) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)
        self.multi_cell(width, height or size * 0.5, latin1(text), align="L",
                        new_x=XPos.LEFT, new_y=YPos.NEXT)

    def title_block(self, text: str, size: float = 17) -> None:
        self.set_font(FONT, "B", size)
        self.set_text_color(*INK)
        self.start_section(latin1(text))
        self.multi_cell(0, size * 0.45, latin1(text), align="L", new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        self.ln(2)

    def icon(self, icon: spc.Icon, x: float, y: float, radius: float = 5.5) -> None:
        """A filled circle with its letter in white, a filled square for concern and failing (so
        the two read apart in grey), or an outline circle with a dash (no icon)."""
        if icon.kind == "none":
            self.set_draw_color(*MUTED)
            self.set_line_width(0.4)
            self.circle(x + radius, y + radius, radius, style="D")
            self.set_text_color(*MUTED)
        elif icon_is_square(icon):
            self.set_fill_color(*_rgb(icon.colour))
            self.rect(x, y, 2 * radius, 2 * radius, style="F")
            self.set_text_color(255, 255, 255)
        else:
            self.set_fill_color(*_rgb(icon.colour))
            self.circle(x + radius, y + radius, radius, style="F")
            self.set_text_color(255, 255, 255)
        self.set_font(FONT, "B", radius * 2.6)
        self.set_xy(x, y)
        self.cell(2 * radius, 2 * radius, latin1(icon.letter), align="C")

    def icon_with_words(self, icon: spc.Icon, heading: str, x: float, width: float,
                        radius: float = 5.5) -> None:
        y = self.get_y()
        self.icon(icon, x, y, radius)
        self.set_xy(x + 2 * radius + 3, y)
        self.text_block(f"{heading}: {icon.label}", 10, "B", width - 2 * radius - 3)
        self.set_x(x + 2 * radius + 3)
        self.text_block(icon.explanation, 9, "", width - 2 * radius - 3, MUTED)
        self.set_y(max(self.get_y(), y + 2 * radius) + 3)
        self.set_x(x)

    def table_block(self, table: Table, widths: tuple[float, ...] | None = None,
                    x: float | None = None, size: float = 9) -> None:
        """A titled table at `x` (the left margin unless given); the cursor ends below it, at
        `x`."""
        x = self.l_margin if x is None else x
        frame = table.frame
        columns = [str(c) for c in frame.columns]
        widths = widths or (70.0, *[28.0] * (len(columns) - 1))
        self.set_x(x)
        self.set_font(FONT, "B", 12 if size >= 9 else 11)
        self.set_text_color(*INK)
        self.cell(sum(widths), 7, latin1(table.title), new_x=XPos.LEFT, new_y=YPos.NEXT)
        if table.caption:
            self.text_block(table.caption, size, width=sum(widths), colour=MUTED,
                            height=size * 0.5)
        self.ln(1)
        self.set_x(x)
        self.set_font(FONT, "", size)
        self.set_text_color(*INK)
        self.set_fill_color(255, 255, 255)
        self.set_draw_color(150, 150, 150)
        self.set_line_width(0.2)
        last = len(frame) - 1
        with self.table(col_widths=widths, width=sum(widths), align="L", text_align=(
                "LEFT", *["RIGHT"] * (len(columns) - 1)), line_height=5.5 if size >= 9 else size * 0.6,
                headings_style=FontFace(emphasis="B", fill_color=(235, 235, 235), color=INK)
                ) as grid:
            grid.row([latin1(c) for c in columns])
            for i, values in enumerate(frame.itertuples(index=False)):
                style = FontFace(emphasis="B") if i == last and values[0] == "Total" else None
                grid.row([latin1(cell_text(v)) for v in values], style=style)
        self.ln(4)
        self.set_x(x)

    def figure_lines(self, figure: Figure, x: float, width: float) -> None:
        """A figure in a column: its label, then the value in bold and what it is made of."""
        self.set_x(x)
        self.text_block(figure.label, 9, "B", width, height=4.3)
        self.set_x(x)
        self.set_font(FONT, "", 9)
        self.set_text_color(*INK)
        self.multi_cell(width, 4.3, latin1(f"**{figure.shown}**{figure.after}"), align="L",
                        markdown=True, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.ln(1.5)

    def figure_cards(self, figures: tuple[Figure, ...], per_row: int = 3) -> None:
        """Figures side by side, `per_row` to a row: label, the value large, what it is made of."""
        gap = 6
        width = (self.epw - gap * (per_row - 1)) / per_row
        for first in range(0, len(figures), per_row):
            top = self.get_y()
            bottom = top
            for i, figure in enumerate(figures[first:first + per_row]):
                x = MARGIN + i * (width + gap)
                self.set_xy(x + 3, top)
                self.text_block(figure.label, 9, colour=MUTED, width=width - 3, height=4.2)
                self.set_x(x + 3)
                self.text_block(figure.shown, 16, "B", width=width - 3, height=7.5)
                if figure.note:
                    self.set_x(x + 3)
                    self.text_block(figure.note, 9, width=width - 3, height=4.2)
                bottom = max(bottom, self.get_y())
            for i in range(len(figures[first:first + per_row])):
                x = MARGIN + i * (width + gap)
                self.set_draw_color(*_rgb(spc.BLUE))
                self.set_line_width(0.8)
                self.line(x, top + 0.5, x, bottom - 0.5)
            self.set_xy(MARGIN, bottom + 4)

    def about_block(self, heading: str, text: str, notes: tuple[str, ...], width: float = 0
                    ) -> None:
        x = self.get_x()
        self.set_font(FONT, "B", 10)
        self.set_text_color(*INK)
        self.cell(width, 5, heading, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.text_block(text, 9, width=width, height=4.3)
        for note in notes:
            self.set_x(x)
            self.text_block(note, 8, width=width, colour=MUTED, height=4)


def natural_widths(table: Table, size: float = 8.5) -> list[float]:
    """Each column's width in mm to hold its longest value on one line and its heading on at most
    two, with the cell padding."""
    per_char = size * 0.19  # Helvetica's average character, in mm
    return [chars * per_char + 3 for chars in column_chars(table)]


def table_widths(table: Table, total: float, size: float = 8.5) -> tuple[float, ...]:
    """Column widths filling at most `total`: natural widths, scaled down to fit, or widened
    by at most a half to fill."""
    natural = natural_widths(table, size)
    scale = min(total / sum(natural), 1.5)
    return tuple(w * scale for w in natural)


def _cover(pdf: PackPDF) -> None:
    pack = pdf.pack
    pdf.add_page()
    pdf.set_font(FONT, "B", 24)
    pdf.set_text_color(*INK)
    pdf.start_section(latin1(pack.title))
    pdf.cell(0, 12, latin1(pack.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_block(pack.subtitle, 13, "B", height=7)
    pdf.text_block(pack.scope, 11, colour=MUTED, height=6)
    pdf.text_block(pack.as_at, 10, "B", height=6)
    if pack.data_note:
        pdf.ln(1)
        pdf.set_fill_color(232, 242, 250)
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, 7, latin1(pack.data_note), fill=True, new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT, padding=(1, 2))
    pdf.ln(3)
    # The cover is one page: the first layout that fits it, roomiest first (the wider remit's
    # metrics lengthen the headline table).
    for compact in range(len(COVER_LAYOUTS)):
        with pdf.offset_rendering() as trial:
            _cover_body(trial, compact)
        if not trial.page_break_triggered:
            break
    _cover_body(pdf, compact)


# Per layout: headline row height (mm), the how-to-read words' size, whether the icons' key
# sits beside the words (else in a grid below them), whether the icon footnote is kept.
COVER_LAYOUTS = ((11.0, 9.0, True, True), (8.8, 8.5, False, True), (8.2, 8.0, False, False))


def _cover_body(pdf: PackPDF, compact: int) -> None:
    row_h, size, beside, footnote = COVER_LAYOUTS[compact]
    _headline_rows(pdf, row_h, footnote)
    pdf.ln(3)
    _how_to_read(pdf, size, beside)


def _headline_rows(pdf: PackPDF, row_h: float, footnote: bool) -> None:
    """The headlines, one row per metric, with the icons drawn in their cells; then the pages
    without a chart, and the wider remit's parts with no data."""
    pack = pdf.pack
    widths = (70, 32, 72, 16, 42, 20, 21)
    heads = ("Metric", pack.quarter.name, "Made of", "Target", "England", "Variation",
             "Assurance")
    pdf.set_font(FONT, "B", 9)
    pdf.set_fill_color(235, 235, 235)
    pdf.set_text_color(*INK)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 7, latin1(h), border="B", fill=True)
    pdf.ln(7)
    line = min(4.2, row_h / 2)
    for page in pack.pages:
        y = pdf.get_y()
        pdf.set_font(FONT, "", 9)
        cells = (page.spec.title, page.value, page.made_of, "-" if page.target is None else
                 f"{page.target:g}%", page.england.replace(" (DfE, calendar year)", ""))
        x = MARGIN
        for w, text in zip(widths, cells, strict=False):
            pdf.set_text_color(*INK)
            pdf.set_font(FONT, "B" if text == page.value else "", 9)
            # Up to two lines in the row, centred when the text takes one.
            lines = len(pdf.multi_cell(w - 1, line, latin1(text), dry_run=True, output="LINES"))
            pdf.set_xy(x, y + (row_h - line * min(lines, 2)) / 2)
            pdf.multi_cell(w - 1, line, latin1(text), align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
            x += w
        radius = min(4.25, row_h / 2 - 0.6)
        pdf.set_xy(x, y)
        pdf.icon(page.variation, x + 5, y + row_h / 2 - radius, radius)
        pdf.icon(page.assurance, x + widths[5] + 5, y + row_h / 2 - radius, radius)
        pdf.set_xy(MARGIN, y + row_h)
        pdf.set_draw_color(210, 210, 210)
        pdf.line(MARGIN, y + row_h, MARGIN + sum(widths), y + row_h)
    pdf.ln(1)
    if footnote:
        pdf.text_block("Icons: the letter and the words on each metric's page say what each "
                       "colour says. " + pack.suppression_note, 8, colour=MUTED, height=4)
    for note in (pack.contents_note, pack.skipped_note):
        if note:
            pdf.text_block(note, 9, colour=INK, height=4.6)


def _how_to_read(pdf: PackPDF, size: float, beside: bool) -> None:
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, "How to read the charts and icons", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not beside:
        _how_to_read_compact(pdf, size)
        return
    top = pdf.get_y()
    for text in pdf.pack.how_to_read:
        pdf.text_block(text, size, width=130, colour=INK, height=4.3)
        pdf.ln(1.5)
    pdf.set_y(top)
    for icon in ICON_KEY:
        pdf.icon_with_words(icon, icon.letter, 150, 135, 4)


def _how_to_read_compact(pdf: PackPDF, size: float) -> None:
    """The words across the page and the icons in a grid of three columns."""
    for text in pdf.pack.how_to_read:
        pdf.text_block(text, size, colour=INK, height=size * 0.47)
        pdf.ln(1)
    pdf.ln(1)
    width = pdf.epw / 3
    for first in range(0, len(ICON_KEY), 3):
        top = bottom = pdf.get_y()
        for i, icon in enumerate(ICON_KEY[first:first + 3]):
            x = MARGIN + i * width
            pdf.icon(icon, x, top, 3.5)
            pdf.set_xy(x + 10, top)
            pdf.text_block(f"{icon.letter}: {icon.label}", 9, "B", width - 13, height=4.2)
            pdf.set_x(x + 10)
            pdf.text_block(icon.explanation, 8, "", width - 13, MUTED, height=3.8)
            bottom = max(bottom, pdf.get_y())
        pdf.set_xy(MARGIN, bottom + 2)


def _metric(pdf: PackPDF, page: MetricPage, png: bytes) -> None:
    pdf.add_page()
    pdf.title_block(page.title)
    if page.attention:
        pdf.text_block(f"Needs attention: {page.attention}", 10, "B", colour=INK, height=5)
        pdf.ln(2)
    top = pdf.get_y()
    pdf.text_block(page.spec.title, 9, colour=MUTED, width=LEFT)
    pdf.text_block(f"{pdf.pack.quarter.name}: {page.value}", 20, "B", width=LEFT, height=9)
    pdf.text_block(page.made_of, 10, width=LEFT, height=5)
    if page.with_exceptions:
        pdf.text_block(page.with_exceptions, 9, width=LEFT, colour=MUTED, height=4.5)
    pdf.text_block(page.target_text, 10, width=LEFT, height=5)
    pdf.text_block(page.england, 10, width=LEFT, height=5)
    if page.dfe_basis:
        pdf.text_block(page.dfe_basis, 9, width=LEFT, colour=MUTED, height=4.5)
    pdf.ln(3)
    pdf.icon_with_words(page.variation, "Variation", MARGIN, LEFT)
    pdf.icon_with_words(page.assurance, "Assurance", MARGIN, LEFT)
    for figure in page.figures:
        pdf.figure_lines(figure, MARGIN, LEFT)
    left_bottom = pdf.get_y()
    chart_x = MARGIN + LEFT + 4
    chart_w = PAGE_W - MARGIN - chart_x
    chart_h = chart_w * float(page.figure.layout.height) / PNG_SIZE[0]
    pdf.image(io.BytesIO(png), x=chart_x, y=top, w=chart_w, h=chart_h,
              alt_text=latin1(page.chart_alt))
    pdf.set_xy(chart_x, top + chart_h + 2)
    pdf.text_block(page.reading, 9, width=chart_w, height=4.3)
    if page.tables:
        # Tables under the chart; the About text in the left column, under the figures.
        pdf.ln(2)
        for table in page.tables:
            pdf.table_block(table, table_widths(table, chart_w), x=chart_x, size=8.5)
        pdf.set_xy(MARGIN, left_bottom + 1)
        pdf.about_block("About this metric", page.spec.definition, page.notes, LEFT)
        return
    pdf.set_xy(MARGIN, max(left_bottom, pdf.get_y()) + 2)
    pdf.about_block("About this metric", page.spec.definition, page.notes)


def _table_page(pdf: PackPDF, page: TablePage) -> None:
    pdf.add_page()
    pdf.title_block(page.title)
    if page.figures:
        pdf.figure_cards(page.figures)
    if page.side_by_side and len(page.tables) > 1:
        gap = 10
        total = pdf.epw - gap * (len(page.tables) - 1)
        shares = [sum(natural_widths(t)) for t in page.tables]
        top, bottom, x = pdf.get_y(), pdf.get_y(), MARGIN
        for table, share in zip(page.tables, shares, strict=True):
            widths = table_widths(table, total * share / sum(shares))
            pdf.set_xy(x, top)
            pdf.table_block(table, widths, x=x, size=8.5)
            bottom = max(bottom, pdf.get_y())
            x += sum(widths) + gap
        pdf.set_xy(MARGIN, bottom)
    else:
        for table in page.tables:
            # The overdue and at-risk summaries keep their fixed columns; the wider remit's
            # tables take their natural widths.
            pdf.table_block(table, table_widths(table, pdf.epw) if page.about else None,
                            size=8.5 if page.about else 9)
    if page.about:
        pdf.set_x(MARGIN)
        pdf.about_block("About this page", page.about, page.notes)


def pdf_bytes(pack: BoardPack) -> bytes:
    pngs = dict(zip((p.spec.metric for p in pack.pages), pack.chart_pngs(), strict=True))
    pdf = PackPDF(pack)
    _cover(pdf)
    for page in pack.document():
        if isinstance(page, MetricPage):
            _metric(pdf, page, pngs[page.spec.metric])
        else:
            _table_page(pdf, page)
    return bytes(pdf.output())


def write_pdf(pack: BoardPack, out: Path | None = None) -> bytes:
    """The pack as PDF bytes, also written to `out` if given."""
    data = pdf_bytes(pack)
    if out is not None:
        Path(out).write_bytes(data)
    return data
