"""The board pack as slides (python-pptx, 16:9), one slide per page of the PDF: the cover with the
headlines, one slide per metric with its chart and icons, and the two summaries. Every slide has a
real title placeholder (screen readers and the outline use it) and its words in the notes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from pipelines import spc
from pipelines.board_pack import HOW_TO_READ, ICON_KEY, BoardPack, MetricPage, Table
from pipelines.board_pack_charts import PNG_SIZE

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.45)
INK = RGBColor(0x1F, 0x1F, 0x1F)
MUTED = RGBColor(0x59, 0x59, 0x59)
TITLE_ONLY = 5  # the default template's "Title Only" layout
ICON = Inches(0.5)


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _text(slide: Slide, left: Emu, top: Emu, width: Emu, height: Emu,
          paragraphs: list[tuple[str, float, bool, RGBColor]]) -> None:
    """A text box of paragraphs, each (text, points, bold, colour)."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, (text, size, bold, colour) in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.space_after = Pt(3)
        run = para.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, colour


def _title(slide: Slide, text: str, size: float = 26) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(1.0)
    title.text = text
    frame = title.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for para in frame.paragraphs:
        para.alignment = PP_ALIGN.LEFT
        for run in para.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), True, INK


def _icon(slide: Slide, icon: spc.Icon, left: Emu, top: Emu, size: Emu = ICON) -> None:
    """A circle with the icon's letter: filled in its colour, or an outline with a dash."""
    shape = slide.shapes.add_shape(MSO_SHAPE.OVAL, left, top, size, size)
    shape.name = f"Icon: {icon.label}"
    if icon.kind == "none":
        shape.fill.background()
        shape.line.color.rgb = MUTED
        letter_colour = MUTED
    else:
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(icon.colour)
        shape.line.fill.background()
        letter_colour = RGBColor(0xFF, 0xFF, 0xFF)
    frame = shape.text_frame
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.CENTER
    run = para.add_run()
    run.text = icon.letter
    run.font.size, run.font.bold, run.font.color.rgb = Pt(size / 12700 * 0.5), True, letter_colour


def _icon_with_words(slide: Slide, icon: spc.Icon, heading: str, left: Emu, top: Emu,
                     width: Emu, size: Emu = ICON, points: float = 12) -> None:
    _icon(slide, icon, left, top, size)
    _text(slide, left + size + Inches(0.12), top - Inches(0.05), width - size - Inches(0.12),
          Inches(0.9), [(f"{heading}: {icon.label}", points, True, INK),
                        (icon.explanation, points - 2, False, MUTED)])


def _table(slide: Slide, table: Table, left: Emu, top: Emu, width: Emu) -> None:
    _text(slide, left, top, width, Inches(0.8), [(table.title, 16, True, INK),
                                                 (table.caption, 10, False, MUTED)])
    frame = table.frame
    rows, cols = len(frame) + 1, len(frame.columns)
    row_h = Inches(0.3)
    shape = slide.shapes.add_table(rows, cols, left, top + Inches(0.85), width, row_h * rows)
    grid = shape.table
    first = int(width * 0.3)
    grid.columns[0].width = first
    for c in range(1, cols):
        grid.columns[c].width = int((width - first) / (cols - 1))
    cells = [list(map(str, frame.columns))] + [[str(v) for v in r] for r in
                                                frame.itertuples(index=False)]
    for r, values in enumerate(cells):
        grid.rows[r].height = row_h
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = value
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            cell.margin_left = cell.margin_right = Inches(0.05)
            para = cell.text_frame.paragraphs[0]
            para.alignment = PP_ALIGN.LEFT if c == 0 else PP_ALIGN.RIGHT
            for run in para.runs:
                run.font.size = Pt(10)
                run.font.bold = r == 0 or values[0] == "Total"


def _notes(slide: Slide, lines: list[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(line for line in lines if line)


def _cover(prs: Presentation, pack: BoardPack) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    _title(slide, pack.title, 32)
    lines = [(pack.subtitle, 16, True, INK), (pack.scope, 12, False, MUTED)]
    if pack.partial:
        lines.append((f"The quarter has not ended: figures to {pack.as_of:%d/%m/%Y}.", 12, True, INK))
    if pack.data_note:
        lines.append((pack.data_note, 12, True, RGBColor(0x00, 0x4A, 0x75)))
    _text(slide, MARGIN, Inches(1.1), WIDTH - 2 * MARGIN, Inches(1.0), lines)
    heads = ["Metric", pack.quarter.label, "Made of", "Target", "England", "Variation", "Assurance"]
    widths = [3.0, 1.0, 3.0, 0.8, 1.9, 1.3, 1.4]
    shape = slide.shapes.add_table(len(pack.pages) + 1, len(heads), MARGIN, Inches(2.3),
                                   Inches(sum(widths)), Inches(0.4) * (len(pack.pages) + 1))
    grid = shape.table
    for c, w in enumerate(widths):
        grid.columns[c].width = Inches(w)
    rows = [heads] + [[p.spec.title, p.value, p.made_of, "-" if p.target is None else
                       f"{p.target:g}%", p.england.replace(" (DfE, calendar year)", ""),
                       f"{p.variation.letter} {p.variation.label}",
                       f"{p.assurance.letter} {p.assurance.label}"] for p in pack.pages]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = value
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            for run in cell.text_frame.paragraphs[0].runs:
                run.font.size = Pt(9.5)
                run.font.bold = r == 0 or c == 1
    top = Inches(5.0)
    _text(slide, MARGIN, top, Inches(6.6), Inches(2.3),
          [("How to read the charts and icons", 12, True, INK)]
          + [(t, 8.5, False, INK) for t in HOW_TO_READ] + [(pack.suppression_note, 8.5, True, INK)])
    for i, icon in enumerate(ICON_KEY):
        left = Inches(7.4 + 2.85 * (i // 3))
        _icon_with_words(slide, icon, icon.letter, left, top + Inches(0.1 + 0.75 * (i % 3)),
                         Inches(2.8), Inches(0.38), 9.5)
    _notes(slide, [pack.subtitle, pack.scope, pack.data_note, *HOW_TO_READ, pack.suppression_note])


def _metric(prs: Presentation, pack: BoardPack, page: MetricPage, png: bytes) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    _title(slide, page.title, 24)
    top = Inches(1.35)
    left_w = Inches(3.6)
    lines = [(f"{pack.quarter.label}", 11, False, MUTED), (page.value, 28, True, INK),
             (page.made_of, 11, False, INK)]
    if page.with_exceptions:
        lines.append((page.with_exceptions, 9, False, MUTED))
    lines += [(page.target_text, 11, False, INK), (page.england, 11, False, INK)]
    _text(slide, MARGIN, top, left_w, Inches(2.0), lines)
    _icon_with_words(slide, page.variation, "Variation", MARGIN, top + Inches(2.3), left_w,
                     Inches(0.45), 11)
    _icon_with_words(slide, page.assurance, "Assurance", MARGIN, top + Inches(3.45), left_w,
                     Inches(0.45), 11)
    chart_left = MARGIN + left_w + Inches(0.2)
    chart_w = WIDTH - chart_left - MARGIN
    chart_h = int(chart_w * PNG_SIZE[1] / PNG_SIZE[0])
    picture = slide.shapes.add_picture(io.BytesIO(png), chart_left, top, chart_w, chart_h)
    picture.name = f"SPC chart: {page.spec.title}"
    # Alternative text for screen readers (python-pptx has no API for it: set descr directly).
    picture._element.nvPicPr.cNvPr.set("descr", f"SPC chart of {page.spec.title} by month. "
                                       + " ".join(page.interpretation))
    _text(slide, MARGIN, top + chart_h + Inches(0.1), WIDTH - 2 * MARGIN,
          HEIGHT - top - chart_h - Inches(0.2),
          [(page.reading, 10, False, INK),
           ("About this metric: " + page.spec.definition, 9, False, MUTED),
           *[(note, 8, False, MUTED) for note in page.notes]])
    _notes(slide, [page.title, page.made_of, page.with_exceptions, page.target_text, page.england,
                   *page.interpretation, "About this metric: " + page.spec.definition, *page.notes])


def _summary(prs: Presentation, title: str, tables: tuple[Table, ...]) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    _title(slide, title, 22)
    width = (WIDTH - 2 * MARGIN - Inches(0.4)) / len(tables)
    for i, table in enumerate(tables):
        _table(slide, table, MARGIN + int((width + Inches(0.4)) * i), Inches(1.45), int(width))
    _notes(slide, [title, *[f"{t.title}. {t.caption}" for t in tables]])


def _fixed_zip(data: bytes, when: dt.date) -> bytes:
    """The package again with every member dated `when`, so the same pack gives the same bytes."""
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w",
                                                                   zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=stamp), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def pptx_bytes(pack: BoardPack) -> bytes:
    pngs = pack.chart_pngs()
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    props = prs.core_properties
    stamp = dt.datetime.combine(pack.as_of, dt.time(0, 0))
    props.title, props.subject, props.author = pack.title, pack.subtitle, pack.area
    props.last_modified_by, props.revision = "SEND Coordination Dashboard", 1
    props.created = props.modified = props.last_printed = stamp
    props.language = "en-GB"
    _cover(prs, pack)
    for page, png in zip(pack.pages, pngs, strict=True):
        _metric(prs, pack, page, png)
    _summary(prs, pack.overdue_title, pack.overdue)
    _summary(prs, pack.at_risk_title, pack.at_risk)
    buffer = io.BytesIO()
    prs.save(buffer)
    return _fixed_zip(buffer.getvalue(), pack.as_of)
