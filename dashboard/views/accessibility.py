"""Accessibility statement (/accessibility): what we aim for, what falls short, how to report it."""

from __future__ import annotations

import streamlit as st


def render() -> None:
    st.title("Accessibility statement")
    st.markdown("""
We want everyone who needs this dashboard to be able to use it: Designated Clinical Officers,
commissioners, local authority colleagues, board members and parent carer representatives.

### Our aim
We aim to meet the **Web Content Accessibility Guidelines (WCAG) 2.2 at level AA**:

- **No meaning by colour alone.** Red, amber and green ratings are written out ("Green: meets
  90% target") with an icon; chart series differ by line style or marker shape as well as colour;
  late and overdue rows are named in a Status or Risk column, the shading only repeats it.
- **Colour-blind-safe charts.** Charts use the Okabe-Ito palette; target and reference lines are
  named in the chart's legend (for example "Target 90%", "42 days (6 weeks)"), each with its own
  dash pattern.
- **Text alternatives for charts.** Every chart has a Table view with the same figures, a one-line
  written summary and CSV and Excel downloads. Charts carry an accessible name for screen readers.
- **Contrast.** Text, captions, chart text and the theme colour meet a contrast ratio of at least
  4.5:1 on white; each line of a chart has its own colour (up to twelve).
- **Phones and reflow.** At 390 px wide (a phone) the page list starts folded away, chart titles
  and long names wrap, legends sit below the charts, value labels sit inside their bar or beside
  it within the chart, and nothing runs off the screen. A wide table shows its names and their
  figures first, sized to fit the screen (a short heading gives its full wording when you point
  at it); its further columns scroll inside the table's own frame. The board pack's tables are
  sized so that every cell reads whole at 1440 px, long text wrapping within its row rather than
  being cut. A chart of more than five lines has a **Highlight** choice that shows one line in
  colour and the others in grey. Each page's charts are checked at 1440 px and 390 px for text
  that is cut off, overlaps or is shrunk, and its buttons for a label cut short.
- **Automated checks.** Every page is checked with axe-core at 1440 px and 390 px wide on each
  change; any serious or critical finding fails the build, with no exceptions. The page list in
  the sidebar is drawn by the dashboard as section headings and links, so no heading sits inside
  a list; each card's sparkline has a written name (what it shows, over how many months, from
  what to what) and its marks are hidden from screen readers.
- **Keyboard use.** A "Skip to main content" link comes first; the page list, filters, chart and
  table switches, downloads and notes can be reached and used with the keyboard (Tab, Shift+Tab,
  arrow keys, Enter and Space). We checked the order of keyboard stops on each page.
- **Plain language.** Headings state what each part answers; each metric has an "About this
  metric" note with its definition, legal basis, data and caveats.

### Known limitations
We know some parts are not yet fully accessible:

- The inside of a chart (its points and hover labels) cannot be reached with the keyboard or read
  by a screen reader point by point. Use the **Table** view or the downloads instead.
- A sparkline on an Overview card is read as one sentence (its first and last month); the figure
  for each month is in the Overview's **Table** view and on the detailed pages.
- Large tables are drawn on a canvas: screen reader support for them is limited in some browsers.
  Download the table to read it in a spreadsheet.
- The dashboard is built with Streamlit, whose own components we do not control; we have not yet
  had an independent accessibility audit.
- On a phone, a bar chart with many bars (a year of months side by side) shows no value labels,
  which would not fit over the bars; hover over a bar, or use the **Table** view.

### Reporting a problem
If something is hard to use or you need the information in another format, contact the Designated
Clinical Officer's team at your Integrated Care Board, or raise an issue with the team that runs
this dashboard. Tell us the page, what you were trying to do and the assistive technology you use.
We aim to reply within 5 working days.

### Enforcement
The Equality and Human Rights Commission enforces the Public Sector Bodies (Websites and Mobile
Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with our response,
contact the Equality Advisory and Support Service (EASS).

*This statement was prepared in November 2026 from the team's own testing.*
""")


render()
