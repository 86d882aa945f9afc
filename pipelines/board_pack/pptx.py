"""The board pack as slides (python-pptx, 16:9), one slide per page of the PDF: the cover with the
headlines, one slide per metric with its chart and icons, the two summaries and the wider remit's
pages. Every slide has a real title placeholder (screen readers and the outline use it) and its
words in the notes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

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

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.45)
INK = RGBColor(0x1F, 0x1F, 0x1F)
MUTED = RGBColor(0x59, 0x59, 0x59)
TITLE_ONLY = 5  # the default template's "Title Only" layout
ICON = Inches(0.5)
ROW = Inches(0.3)  # a table row's height (PowerPoint grows it to fit)


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
    """A circle with the icon's letter, filled in its colour (a square for concern and failing, so
    the two read apart in grey), or an outline with a dash."""
    outline = MSO_SHAPE.RECTANGLE if icon_is_square(icon) else MSO_SHAPE.OVAL
    shape = slide.shapes.add_shape(outline, left, top, size, size)
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


def _lines(text: str, width: float, points: float) -> int:
    """About how many lines `text` takes in `width` inches at `points`, wrapping between words (a
    generous average character, as fonts differ between PowerPoint and LibreOffice)."""
    per_line = max(int(width * 72 / (points * 0.6)), 1)
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, 0
        used += (1 if used else 0) + len(word)
        lines += (used - 1) // per_line  # a word longer than a line breaks inside it
        used = (used - 1) % per_line + 1
    return lines


def _table(slide: Slide, table: Table, left: Emu, top: Emu, width: Emu, points: float = 10,
           row_h: Emu = ROW, fitted: bool = False, compact: bool = False) -> None:
    """A titled table. `fitted`: columns as wide as their contents need (else the first takes
    30% and the others share the rest); `compact`: a smaller title and the caption left to the
    notes."""
    if compact:
        _text(slide, left, top - Inches(0.05), width, Inches(0.3), [(table.title, 12, True, INK)])
        grid_top = top + Inches(0.3)
    else:
        _text(slide, left, top, width, Inches(0.8), [(table.title, 16, True, INK),
                                                     (table.caption, 10, False, MUTED)])
        grid_top = top + Inches(0.85)
    frame = table.frame
    rows, cols = len(frame) + 1, len(frame.columns)
    shape = slide.shapes.add_table(rows, cols, left, grid_top, width, row_h * rows)
    grid = shape.table
    if fitted:
        chars = column_chars(table)
        for c, n in enumerate(chars):
            grid.columns[c].width = int(width * n / sum(chars))
    else:
        first = int(width * 0.3)
        grid.columns[0].width = first
        for c in range(1, cols):
            grid.columns[c].width = int((width - first) / (cols - 1))
    cells = [list(map(str, frame.columns))] + [[cell_text(v) for v in r] for r in
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
                run.font.size = Pt(points)
                run.font.bold = r == 0 or values[0] == "Total"


def _figure_box(slide: Slide, figure: Figure, left: Emu, top: Emu, width: Emu) -> None:
    """A figure as the PDF's cards draw it: label, the value large, what it is made of."""
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, Inches(0.06), Inches(0.95))
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(spc.BLUE)
    bar.line.fill.background()
    value = 20 if _lines(figure.value, width / 914400 - 0.25, 20) == 1 else 12
    _text(slide, left + Inches(0.1), top - Inches(0.05), width - Inches(0.15), Inches(1.0),
          [(figure.label, 10, False, MUTED), (figure.value, value, True, INK)]
          + ([(figure.made_of, 9, False, INK)] if figure.made_of else []))


def _notes(slide: Slide, lines: list[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(line for line in lines if line)


def _cover(prs: Presentation, pack: BoardPack) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    _title(slide, pack.title, 32)
    lines = [(pack.subtitle, 16, True, INK), (pack.scope, 12, False, MUTED),
             (pack.as_at, 12, True, INK)]
    if pack.data_note:
        lines.append((pack.data_note, 12, True, RGBColor(0x00, 0x4A, 0x75)))
    _text(slide, MARGIN, Inches(1.1), WIDTH - 2 * MARGIN, Inches(1.0), lines)
    heads = ["Metric", pack.quarter.name, "Made of", "Target", "England", "Variation", "Assurance"]
    roomy = len(pack.pages) <= 4  # the wider remit's metrics lengthen the table
    widths = [3.0, 1.0, 3.0, 0.8, 1.9, 1.3, 1.4] if roomy else [3.5, 1.0, 2.7, 0.7, 1.8, 1.35, 1.35]
    points = 9.5 if roomy else 8.5
    rows = [heads] + [[p.spec.title, p.value, p.made_of, "-" if p.target is None else
                       f"{p.target:g}%", p.england.replace(" (DfE, calendar year)", ""),
                       f"{p.variation.letter} {p.variation.label}",
                       f"{p.assurance.letter} {p.assurance.label}"] for p in pack.pages]
    table_top = Inches(2.3 if roomy else 2.35)
    row_h = Inches(0.4) if roomy else Inches(0.3)
    shape = slide.shapes.add_table(len(rows), len(heads), MARGIN, table_top, Inches(sum(widths)),
                                   row_h * len(rows))
    grid = shape.table
    for c, w in enumerate(widths):
        grid.columns[c].width = Inches(w)
    for r, values in enumerate(rows):
        grid.rows[r].height = row_h
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = value
            cell.margin_top = cell.margin_bottom = Inches(0.03 if roomy else 0.02)
            for run in cell.text_frame.paragraphs[0].runs:
                run.font.size = Pt(points)
                run.font.bold = r == 0 or c == 1
    contents = [note for note in (pack.contents_note, pack.skipped_note) if note]
    if roomy:
        top = Inches(5.0)
    else:
        # The rows grow to fit their text: place what follows below the table as it will be.
        height = sum(max(0.3, max(_lines(v, w - 0.1, points) for v, w in zip(row, widths,
                                                                             strict=True))
                         * points * 1.2 / 72 + 0.04) for row in rows)
        top = table_top + Inches(height + 0.1 + 0.25 * len(contents))
    if contents:
        _text(slide, MARGIN, top - Inches(0.45 if roomy else 0.25 * len(contents) + 0.05),
              WIDTH - 2 * MARGIN, Inches(0.4), [(note, 9, False, INK) for note in contents])
    small = 8.5 if roomy else 7
    how = ([("How to read the charts and icons", 12 if roomy else 11, True, INK)]
           + [(t, small, False, INK) for t in pack.how_to_read] + [(pack.suppression_note, small, True, INK)])
    if roomy:
        _text(slide, MARGIN, top, Inches(6.6), Inches(2.3), how)
        for i, icon in enumerate(ICON_KEY):
            left = Inches(7.4 + 2.85 * (i // 3))
            _icon_with_words(slide, icon, icon.letter, left, top + Inches(0.1 + 0.75 * (i % 3)),
                             Inches(2.8), Inches(0.38), 9.5)
    else:
        _text(slide, MARGIN, top, Inches(6.9), HEIGHT - top, how)
        for i, icon in enumerate(ICON_KEY):
            left = Inches(7.55 + 1.8 * (i % 3))
            _icon_with_words(slide, icon, icon.letter, left, top + Inches(0.1 + 0.85 * (i // 3)),
                             Inches(1.75), Inches(0.3), 8)
    _notes(slide, [pack.subtitle, pack.scope, pack.as_at, pack.data_note, *contents, *pack.how_to_read,
                   pack.suppression_note])


def _metric(prs: Presentation, pack: BoardPack, page: MetricPage, png: bytes) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    _title(slide, page.title, 24)
    top = Inches(1.35)
    left_w = Inches(3.6)
    lines = [(f"{pack.quarter.name}", 11, False, MUTED), (page.value, 28, True, INK),
             (page.made_of, 11, False, INK)]
    if page.with_exceptions:
        lines.append((page.with_exceptions, 9, False, MUTED))
    lines += [(page.target_text, 11, False, INK), (page.england, 11, False, INK)]
    if page.dfe_basis:
        lines.append((page.dfe_basis, 9, False, MUTED))
    _text(slide, MARGIN, top, left_w, Inches(2.0), lines)
    _icon_with_words(slide, page.variation, "Variation", MARGIN, top + Inches(2.3), left_w,
                     Inches(0.45), 11)
    _icon_with_words(slide, page.assurance, "Assurance", MARGIN, top + Inches(3.45), left_w,
                     Inches(0.45), 11)
    chart_left = MARGIN + left_w + Inches(0.2)
    chart_w = WIDTH - chart_left - MARGIN
    chart_h = int(chart_w * float(page.figure.layout.height) / PNG_SIZE[0])
    picture = slide.shapes.add_picture(io.BytesIO(png), chart_left, top, chart_w, chart_h)
    picture.name = f"SPC chart: {page.spec.title}"
    # Alternative text for screen readers (python-pptx has no API for it: set descr directly).
    picture._element.nvPicPr.cNvPr.set("descr", page.chart_alt)
    about = [("About this metric: " + page.spec.definition, 9, False, MUTED),
             *[(note, 8, False, MUTED) for note in page.notes]]
    below = top + chart_h + Inches(0.1)
    if page.figures:
        # The other figures in the left column, under the icons; the words beside them.
        _text(slide, MARGIN, top + Inches(4.45), left_w, HEIGHT - top - Inches(4.5),
              [(f.text, 9.5, False, INK) for f in page.figures])
    attention = [(f"Needs attention: {page.attention}", 10, True, INK)] if page.attention else []
    if page.tables:
        _text(slide, chart_left, below - Inches(0.05), chart_w, Inches(0.3),
              [*attention, (page.reading, 9, False, INK)])
        for table in page.tables:
            _table(slide, table, chart_left, below + Inches(0.35), chart_w, 8.5, Inches(0.22),
                   fitted=True, compact=True)
        _notes(slide, [page.title, *[text for text, *_ in attention], page.made_of,
                       page.target_text, page.england, page.dfe_basis, *page.interpretation,
                       *[f.text for f in page.figures],
                       *[f"{t.title}. {t.caption}" for t in page.tables],
                       "About this metric: " + page.spec.definition, *page.notes])
        return
    left = chart_left if page.figures else MARGIN
    _text(slide, left, below, WIDTH - left - MARGIN, HEIGHT - below - Inches(0.1),
          [*attention, (page.reading, 10, False, INK), *about])
    _notes(slide, [page.title, *[text for text, *_ in attention], page.made_of,
                   page.with_exceptions, page.target_text, page.england, page.dfe_basis,
                   *page.interpretation, *[f.text for f in page.figures],
                   "About this metric: " + page.spec.definition, *page.notes])


def _table_page(prs: Presentation, page: TablePage) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    _title(slide, page.title, 22)
    top = Inches(1.45)
    if page.figures:
        width = (WIDTH - 2 * MARGIN) / len(page.figures)
        for i, figure in enumerate(page.figures):
            _figure_box(slide, figure, MARGIN + int(width * i), top, int(width - Inches(0.15)))
        top += Inches(1.2)
    gap = Inches(0.4)
    room = WIDTH - 2 * MARGIN - gap * (len(page.tables) - 1)
    # The overdue and at-risk summaries share the width equally; the wider remit's tables by
    # what their columns hold.
    shares = [sum(column_chars(t)) if page.about else 1 for t in page.tables]
    tallest = max(len(t.frame) for t in page.tables) + 1
    row_h = Inches(0.3) if not page.about else Inches(0.26)
    left = MARGIN
    for table, share in zip(page.tables, shares, strict=True):
        width = int(room * share / sum(shares))
        _table(slide, table, left, top, width, 10 if not page.about else 9, row_h,
               fitted=bool(page.about))
        left += width + gap
    if page.about:
        below = top + Inches(0.95) + row_h * tallest
        _text(slide, MARGIN, below, WIDTH - 2 * MARGIN, HEIGHT - below - Inches(0.05),
              [("About this page: " + page.about, 8.5, False, MUTED),
               *[(note, 8, False, MUTED) for note in page.notes]])
    _notes(slide, [page.title, *[f.text for f in page.figures],
                   *[f"{t.title}. {t.caption}" for t in page.tables],
                   *(("About this page: " + page.about,) if page.about else ()), *page.notes])


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
    pngs = dict(zip((p.spec.metric for p in pack.pages), pack.chart_pngs(), strict=True))
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    props = prs.core_properties
    stamp = dt.datetime.combine(pack.as_of, dt.time(0, 0))
    props.title, props.subject, props.author = pack.title, pack.subtitle, pack.area
    props.last_modified_by, props.revision = "SEND Coordination Dashboard", 1
    props.created = props.modified = props.last_printed = stamp
    props.language = "en-GB"
    _cover(prs, pack)
    for page in pack.document():
        if isinstance(page, MetricPage):
            _metric(prs, pack, page, pngs[page.spec.metric])
        else:
            _table_page(prs, page)
    buffer = io.BytesIO()
    prs.save(buffer)
    return _fixed_zip(buffer.getvalue(), pack.as_of)


def write_pptx(pack: BoardPack, out: Path | None = None) -> bytes:
    """The pack as PPTX bytes, also written to `out` if given."""
    data = pptx_bytes(pack)
    if out is not None:
        Path(out).write_bytes(data)
    return data
