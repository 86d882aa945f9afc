"""The board pack as a PDF (fpdf2, A4 landscape): a cover with the headlines and how to read the
charts, one page per metric, and the overdue and at-risk summaries. Charts are the page's own
plotly figures rendered to PNG; icons are drawn as circles with a letter and words beside them.

Text uses the PDF core fonts, so it is kept to Latin-1 (no font files are needed).
"""

from __future__ import annotations

import datetime as dt
import io

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from pipelines import spc
from pipelines.board_pack import HOW_TO_READ, ICON_KEY, BoardPack, MetricPage, Table
from pipelines.board_pack_charts import PNG_SIZE

FONT = "helvetica"
INK = (31, 31, 31)
MUTED = (89, 89, 89)  # #595959, 7:1 on white
MARGIN = 12
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
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        note = " ".join(n for n in (self.pack.suppression_note, self.pack.data_note) if n)
        self.cell(240, 5, latin1(note))
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

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
        """A filled circle with its letter in white (an outline circle with a dash: no icon)."""
        if icon.kind == "none":
            self.set_draw_color(*MUTED)
            self.set_line_width(0.4)
            self.circle(x + radius, y + radius, radius, style="D")
            self.set_text_color(*MUTED)
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

    def table_block(self, table: Table, widths: tuple[float, ...] | None = None) -> None:
        self.set_font(FONT, "B", 12)
        self.set_text_color(*INK)
        self.cell(0, 7, latin1(table.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if table.caption:
            self.text_block(table.caption, 9, colour=MUTED)
        self.ln(1)
        self.set_font(FONT, "", 9)
        self.set_text_color(*INK)
        self.set_fill_color(255, 255, 255)
        self.set_draw_color(150, 150, 150)
        self.set_line_width(0.2)
        frame = table.frame
        columns = [str(c) for c in frame.columns]
        widths = widths or (70.0, *[28.0] * (len(columns) - 1))
        last = len(frame) - 1
        with self.table(col_widths=widths, width=sum(widths), align="L", text_align=(
                "LEFT", *["RIGHT"] * (len(columns) - 1)), line_height=5.5,
                headings_style=FontFace(emphasis="B", fill_color=(235, 235, 235), color=INK)
                ) as grid:
            grid.row([latin1(c) for c in columns])
            for i, values in enumerate(frame.itertuples(index=False)):
                style = FontFace(emphasis="B") if i == last and values[0] == "Total" else None
                grid.row([latin1(str(v)) for v in values], style=style)
        self.ln(4)


def _cover(pdf: PackPDF) -> None:
    pack = pdf.pack
    pdf.add_page()
    pdf.set_font(FONT, "B", 24)
    pdf.set_text_color(*INK)
    pdf.start_section(latin1(pack.title))
    pdf.cell(0, 12, latin1(pack.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_block(pack.subtitle, 13, "B", height=7)
    pdf.text_block(pack.scope, 11, colour=MUTED, height=6)
    if pack.partial:
        pdf.text_block(f"The quarter has not ended: figures to {pack.as_of:%d/%m/%Y}.", 10,
                       "B", height=6)
    if pack.data_note:
        pdf.ln(1)
        pdf.set_fill_color(232, 242, 250)
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, 7, latin1(pack.data_note), fill=True, new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT, padding=(1, 2))
    pdf.ln(3)
    _headline_rows(pdf)
    pdf.ln(3)
    _how_to_read(pdf)


def _headline_rows(pdf: PackPDF) -> None:
    """The headlines, one row per metric, with the icons drawn in their cells."""
    pack = pdf.pack
    widths = (70, 32, 72, 16, 42, 20, 21)
    heads = ("Metric", pack.quarter.label, "Made of", "Target", "England", "Variation",
             "Assurance")
    pdf.set_font(FONT, "B", 9)
    pdf.set_fill_color(235, 235, 235)
    pdf.set_text_color(*INK)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 7, latin1(h), border="B", fill=True)
    pdf.ln(7)
    for page in pack.pages:
        y = pdf.get_y()
        pdf.set_font(FONT, "", 9)
        cells = (page.spec.title, page.value, page.made_of, "-" if page.target is None else
                 f"{page.target:g}%", page.england.replace(" (DfE, calendar year)", ""))
        x = MARGIN
        for w, text in zip(widths, cells, strict=False):
            pdf.set_text_color(*INK)
            pdf.set_font(FONT, "B" if text == page.value else "", 9)
            # Up to two lines in the row's 11 mm, centred when the text takes one.
            lines = len(pdf.multi_cell(w - 1, 4.2, latin1(text), dry_run=True, output="LINES"))
            pdf.set_xy(x, y + (11 - 4.2 * min(lines, 2)) / 2)
            pdf.multi_cell(w - 1, 4.2, latin1(text), align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
            x += w
        pdf.set_xy(x, y)
        pdf.icon(page.variation, x + 5, y + 1.25, 4.25)
        pdf.icon(page.assurance, x + widths[5] + 5, y + 1.25, 4.25)
        pdf.set_xy(MARGIN, y + 11)
        pdf.set_draw_color(210, 210, 210)
        pdf.line(MARGIN, y + 11, MARGIN + sum(widths), y + 11)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*MUTED)
    pdf.ln(1)
    pdf.multi_cell(0, 4, latin1("Icons: the letter and the words on each metric's page say what "
                                "each colour says. " + pack.suppression_note), align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _how_to_read(pdf: PackPDF) -> None:
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, "How to read the charts and icons", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    top = pdf.get_y()
    for text in HOW_TO_READ:
        pdf.text_block(text, 9, width=130, colour=INK, height=4.3)
        pdf.ln(1.5)
    pdf.set_y(top)
    for icon in ICON_KEY:
        pdf.icon_with_words(icon, icon.letter if icon.letter != "?" else "?", 150, 135, 4)


def _metric(pdf: PackPDF, page: MetricPage, png: bytes) -> None:
    pdf.add_page()
    pdf.title_block(page.title)
    top = pdf.get_y()
    left = 78
    pdf.text_block(page.spec.title, 9, colour=MUTED, width=left)
    pdf.text_block(f"{pdf.pack.quarter.label}: {page.value}", 20, "B", width=left, height=9)
    pdf.text_block(page.made_of, 10, width=left, height=5)
    if page.with_exceptions:
        pdf.text_block(page.with_exceptions, 9, width=left, colour=MUTED, height=4.5)
    pdf.text_block(page.target_text, 10, width=left, height=5)
    pdf.text_block(page.england, 10, width=left, height=5)
    pdf.ln(3)
    pdf.icon_with_words(page.variation, "Variation", MARGIN, left)
    pdf.icon_with_words(page.assurance, "Assurance", MARGIN, left)
    left_bottom = pdf.get_y()
    chart_w = 297 - 2 * MARGIN - left - 4
    chart_h = chart_w * PNG_SIZE[1] / PNG_SIZE[0]
    pdf.image(io.BytesIO(png), x=MARGIN + left + 4, y=top, w=chart_w, h=chart_h,
              alt_text=latin1(f"SPC chart: {page.spec.title} by month. " + " ".join(
                  page.interpretation)))
    pdf.set_xy(MARGIN + left + 4, top + chart_h + 2)
    pdf.text_block(page.reading, 9, width=chart_w, height=4.3)
    pdf.set_xy(MARGIN, max(left_bottom, pdf.get_y()) + 2)
    pdf.set_font(FONT, "B", 10)
    pdf.set_text_color(*INK)
    pdf.cell(0, 5, "About this metric", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_block(page.spec.definition, 9, height=4.3)
    for note in page.notes:
        pdf.text_block(note, 8, colour=MUTED, height=4)


def _summary(pdf: PackPDF, title: str, tables: tuple[Table, ...]) -> None:
    pdf.add_page()
    pdf.title_block(title)
    for table in tables:
        pdf.table_block(table)


def pdf_bytes(pack: BoardPack) -> bytes:
    pngs = pack.chart_pngs()
    pdf = PackPDF(pack)
    _cover(pdf)
    for page, png in zip(pack.pages, pngs, strict=True):
        _metric(pdf, page, png)
    _summary(pdf, pack.overdue_title, pack.overdue)
    _summary(pdf, pack.at_risk_title, pack.at_risk)
    return bytes(pdf.output())
