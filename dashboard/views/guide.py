"""User guide (/guide): what each page answers, how to load data, and where the definitions are."""

from __future__ import annotations

import streamlit as st

from pipelines.config import load_settings
from pipelines.notes import NOTES, local_exceptions

PAGES = (
    ("Overview", "How are we doing on the headline measures, against our targets and England?",
     "SEND board, quarterly"),
    ("Health advice", "Is health advice returned within 6 weeks, by which services and "
     "providers, and what do I chase this week, from whom (the chase list by provider, with "
     "notes and a workbook to send)?", "DCO, weekly"),
    ("EHC plan timeliness", "Are plans issued within 20 weeks, where does the time go, and which "
     "open cases are at risk?", "DCO and LA partners"),
    ("Tribunals", "How many appeals involve health, and are health recommendations answered "
     "within 5 weeks?", "DCO, commissioners"),
    ("Annual reviews", "Are reviews held within 12 months, decisions made within 4 weeks of the "
     "meeting, and does health contribute?", "DCO and LA partners"),
    ("Schools", "Do schools have, publish and keep up to date a medical conditions policy, and how "
     "well are mental health leads and support teams in place?", "DCO, school advisers"),
    ("Waiting times", "How long are children waiting for health services, including the autism "
     "and ADHD pathways?", "DCO, commissioners"),
    ("Budgets and complaints", "How many personal health budgets are active, and are complaints "
     "answered on time?", "DCO, ICB"),
    ("Benchmarks", "How do our local authorities compare with England, their region and their "
     "statistical neighbours?", "SEND board"),
    ("Board pack", "What will the SEND board see this quarter, with process control charts and "
     "small numbers suppressed?", "SEND board, quarterly"),
    ("Inspection readiness", "What evidence does health bring to each theme of the area SEND "
     "inspection, and how ready is it?", "DCO, inspection lead"),
    ("Load data", "What did each file give, which rows were rejected and why, and what has been "
     "loaded?", "Whoever loads the data"),
    ("Users and audit log", "Who may sign in, with what role, and who loaded, exported or "
     "changed what?", "Admins"),
)


def pages_list() -> str:
    """A list rather than a table of three columns, which ran wider than a phone's screen."""
    rows = "\n".join(f"- **{page}** ({who}): {question}" for page, question, who in PAGES)
    return "### What each page answers\n" + rows


def render() -> None:
    settings = load_settings()
    st.title("User guide")
    st.markdown(f"""
This dashboard shows whether health is doing its part for children and young people with special
educational needs and disabilities (SEND) in **{settings.area_name}**: advice for EHC needs
assessments on time, plans issued within 20 weeks, and Tribunal health recommendations answered.

{pages_list()}

### Using the filters
The sidebar filters apply to every dashboard page: local authorities (empty means the area's, the
local authorities settings.toml lists, with the returns for the whole area; an LA outside the area
is counted only when chosen; every LA when settings.toml lists none), the period
grain (month, calendar quarter, financial year April-March, calendar year), the first and last
period, the health services (health advice only) and the **as-of date**, the day the figures
describe (by default the latest extract date of the area's data, the local authorities
settings.toml lists: a newer export of theirs moves it; the day a file is loaded, an upload's
"reject dates after" date or an export of an LA outside the area never does). The
sidebar says what is loaded (synthetic samples, your own loads, or both, mixed) and how
current each source is, and a warning says when sources are more than a month apart. The
address bar keeps the filters: copy it to share exactly what you see.
**Reset filters** returns to the last 12 months.

Each chart has a **Show as: Chart / Table** switch, a one-line summary, and CSV and Excel downloads
of its table. Rates over fewer than 5 cases are marked *small number*. The Overview is meant for a
board: counts of 1 to 4 show as "<5" and rates built on them are withheld (a card reads
"Withheld", the reason under it). A card's change is green where it is better for that measure and
red where it is worse (a rise in overdue requests is red, a fall in the share on time too), grey for
a count that is neither; the RAG against the local target is the badge, in words.

### Loading data
1. Open **Load data** and drop in one or more exports (.xlsx or .csv). Column headings are
   recognised in the spellings local systems use; the dataset is recognised from them.
2. Press **Load files**. Each file reports rows read, loaded, stale, superseded, duplicates,
   rejected, blank rows and notes/total rows; these always add up to the rows read. The table
   puts each file's rows read, loaded and rejected first; a short heading ("Same" for unchanged,
   "Earlier" for superseded, "Notes" for notes/totals) gives its full wording as help, and a file
   that failed says why in its status. A summary or dashboard sheet of counts is skipped, with
   the reason below the table. In a tracker kept a tab
   per month ("April 2026", "May 2026"), a case's latest month is loaded and its earlier months
   are counted as superseded, kept in history.
3. Download the rejected rows (Excel), correct the source, and load again. Loading a file twice
   changes nothing; a newer export replaces changed records and keeps the old version in history.

From the command line the same pipeline runs with `python -m pipelines ingest FILE...`; the
dashboard picks up the new data on its next refresh.

### Definitions
""")
    for note in NOTES.values():
        st.markdown(f"- **{note.title}.** {note.definition}")
    st.markdown(f"**Lawful exceptions.** Health advice: {local_exceptions('advice')} EHC plans: "
                f"{local_exceptions('plan')}")
    st.markdown("""
The full definitions, statutory clocks, targets and national figures are in `docs/metrics.md`,
written from the metric catalogue in `pipelines/metrics/`: one definition per metric, shared by
this dashboard, the command line and the exports.

### Signing in and roles
Once real exports are loaded, the dashboard asks everyone to sign in, with the organisation's
account (where the ICB has set it up) or a user name and password from an admin. What you see
depends on your role. A link to a page opens the sign-in form first, then the page, or a
note that it is not for your role:
- **board**: the Overview and the Board pack, with small numbers suppressed;
- **dco**: every page, including the lists of overdue requests, cases at risk and appeals, and
  loading files;
- **admin**: as dco, plus keeping the inspection evidence tracker and managing users on
  **Users and audit log**.

The bundled synthetic samples can be browsed without signing in. Loads, downloads, sign-ins and
changes are recorded in an audit log that nobody can edit from the dashboard.

### Personal data
Tables show only the references the local authority, the service or the Tribunal use (case,
advice and appeal IDs). Names, NHS numbers and dates of birth are replaced by a keyed pseudonym
when a file is loaded and are never shown.
""")


render()
