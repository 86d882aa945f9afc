"""Entry point: `streamlit run dashboard/app.py`. Sets up the page, builds the database from the
synthetic samples on first start, asks for sign-in when the database holds real data, lists
only the pages the viewer's role may see (components/pages.py says what any other page's address
gives), labels sample data as synthetic, and runs the page.
The app keeps no database connection open between runs: one run's reads share one read-only
connection to the newest snapshot of the database, closed when the run ends.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # `streamlit run dashboard/app.py` puts dashboard/ on the path, not the repository root.
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard.components import auth, filters, freshness, gateway, pages  # noqa: E402
from dashboard.components.text import plain  # noqa: E402
from pipelines import bootstrap, status  # noqa: E402
from pipelines.audit import AuditError  # noqa: E402
from pipelines.config import load_settings  # noqa: E402
from pipelines.published import SnapshotError  # noqa: E402
from pipelines.queries import DatabaseBusy, DatabaseError  # noqa: E402

# On a narrow screen the sidebar lies over the page: choosing a page closes it, as Streamlit's own
# page list does (st.page_link does not), so it does not stay open over every page that follows.
CLOSE_SIDEBAR_ON_PHONE = """<script>
if (!window.closesSidebarOnPageLink) {
  window.closesSidebarOnPageLink = true;
  document.addEventListener("click", (event) => {
    if (!window.matchMedia("(max-width: 768px)").matches
        || !event.target.closest(".st-key-page_list a")) return;
    document.querySelector('[data-testid="stSidebarCollapseButton"] button')?.click();
  }, true);
}
</script>"""
BUSY = ("The data are being updated (a load is running). Try again in a moment: "
        "reload the page or press R.")


@st.cache_resource(show_spinner="Updating the database to this version of the dashboard...")
def upgrade_once(path: str) -> bool:
    """A database made by an earlier version is brought up to date once per server process."""
    return bootstrap.upgrade_database(Path(path))


def build_if_missing() -> None:
    """On a fresh clone there is no database yet: build it from data_samples/, saying so."""
    if gateway.db_file().exists():
        upgrade_once(str(gateway.db_file()))
        return
    message = ("First start: building the database from the synthetic sample files in "
               "data_samples/ and the DfE's 2025 EHC plans release (a few seconds)...")
    with st.spinner(message, show_time=True):
        results = bootstrap.ensure_database(gateway.db_file())
    if results == [] and not bootstrap.samples_available():
        st.warning("No sample files were found in data_samples/, so the database starts empty. "
                   "Load your exports on the **Load data** page.")
    failed = [r for r in results or [] if r.status == "failed"]
    for result in failed:
        st.error(f"A sample file could not be loaded: {plain(result.error)}")


def provenance_banner(kind: str) -> None:
    """Say plainly when what is shown is synthetic (every loaded file is a bundled sample)."""
    if kind == "synthetic":
        st.info("**Synthetic sample data.** Every child, case and date shown is invented: the "
                "files loaded are the bundled samples listed in data_samples/MANIFEST.json. "
                "Load real exports on the Load data page.", icon=":material/science:")
    elif kind == "mixed":
        st.warning("**Includes synthetic sample data.** Some files loaded are the bundled "
                   "samples (data_samples/MANIFEST.json): figures mix invented and real records.",
                   icon=":material/science:")
    elif kind == "empty":
        st.info("No data loaded yet. Load exports on the **Load data** page.",
                icon=":material/upload_file:")


def navigation(viewer: auth.Viewer) -> pages.Navigation:
    """Every page registered (components/pages.py), with the sidebar's page list drawn by the app
    rather than by st.navigation, whose list puts each section's heading (a <div>) straight
    inside its <ul>, which screen readers and axe-core's `list` rule reject. Each section is a
    heading and its links, in no list; a link keeps its page's icon, and the current page is
    highlighted. The list holds only the pages this viewer may open."""
    nav = pages.register(viewer)
    with st.sidebar.container(key="page_list"):
        for heading, section in nav.sections.items():
            st.caption(heading)
            for page in section:
                st.page_link(page)
        st.html(CLOSE_SIDEBAR_ON_PHONE, unsafe_allow_javascript=True)
    return nav


# "auto" starts the sidebar collapsed on a narrow (phone) screen, so it does not open over the
# page on every load, and expanded on a wide one.
# An emoji, drawn in the browser: Streamlit fetches a ":material/...:" page icon from Google's
# font servers, and nothing about the app's use should leave the organisation.
st.set_page_config(page_title="SEND Coordination Dashboard", page_icon="🤝",
                   layout="wide", initial_sidebar_state="auto")
filters.capture_url()
try:
    build_if_missing()
    with gateway.run_connection():  # one read-only connection for this run's reads
        viewer = auth.current()
        nav = navigation(viewer)
        source = status.DATA_SOURCE[gateway.read(status.provenance)]
        st.sidebar.caption(f"{plain(load_settings().area_name)}  \n**Data:** {source}")
        auth.sidebar(viewer)
        if viewer.role is not None:
            provenance_banner(gateway.read(status.provenance))
            freshness.show()
        pages.run(viewer, nav)
except DatabaseBusy:
    st.warning(BUSY, icon=":material/hourglass_top:")
except AuditError as exc:  # a full disk, a read-only folder: what must be recorded stops here
    st.error(f"This could not be written to the audit log, so it was not done: "
             f"{plain(str(exc))}. Tell whoever runs the app.", icon=":material/error:")
except SnapshotError as exc:  # SEND_DB names a published snapshot: unfinished, or written to
    st.error(plain(str(exc)), icon=":material/error:")
except DatabaseError as exc:
    # Most often a database built by an older version of the pipelines (a column it lacks).
    st.error("The database could not be read. If it was built by an earlier version of the "
             "pipelines, rebuild it: delete it and restart the app (the samples are reloaded), "
             "or load your exports again with `python -m pipelines ingest`.",
             icon=":material/error:")
    with st.expander("Technical detail"):
        st.code(str(exc), language=None)
