"""'About this metric' notes on the pages: the wording (pipelines/notes.py) and the files the
figures come from, with when they were loaded.
"""

from __future__ import annotations

import streamlit as st

from dashboard.components import gateway
from dashboard.components.text import plain
from pipelines import status
from pipelines.notes import NOTES, Note, local_exceptions

__all__ = ["NOTES", "about", "about_many"]


def about(key: str, label: str = "About this metric") -> None:
    """The note in an expander, ending with the files the figures come from and when they loaded.
    A second note under the same figure takes its own `label`, so the two are told apart."""
    note = NOTES[key]
    with st.expander(label, icon=":material/info:"):
        st.markdown(f"**{note.title}**")
        st.markdown(f"**Definition.** {note.definition}")
        st.markdown(f"**Statutory basis.** {note.basis}")
        st.markdown(f"**Caveats.** {note.caveats}")
        st.markdown(f"**Exceptions.** {exceptions(note)}")
        lines = []
        for dataset in note.datasets:
            for row in gateway.read(status.sources, dataset).itertuples():
                lines.append(f"- {plain(row.file_name)}: loaded {row.loaded_at:%d/%m/%Y %H:%M}, "
                             f"as of {row.as_of:%d/%m/%Y}, {row.loaded:,} rows")
        st.markdown("**Data.** " + ("Loaded from:\n" + "\n".join(lines) if lines
                                    else "No file of this kind has been loaded yet."))
        st.markdown("Full definitions: the **Guide** page, and `docs/metrics.md` in the project.")


def exceptions(note: Note) -> str:
    """How the figure treats lawful exceptions, with the area's own wording taken as lawful
    (settings.toml [exceptions], read now, so the note says what the figures were made with)."""
    if note.lawful is None:
        return note.exceptions
    return f"{note.exceptions} {local_exceptions(note.lawful)}"


def about_many(keys: list[str]) -> None:
    """Notes for several metrics in one expander (the Overview, where cards sit side by side)."""
    with st.expander("About these metrics", icon=":material/info:"):
        for key in keys:
            note = NOTES[key]
            st.markdown(f"**{note.title}.** {note.definition}\n\n*Statutory basis:* {note.basis}"
                        f"\n\n*Caveats:* {note.caveats}\n\n*Exceptions:* {exceptions(note)}")
        lines = [f"- {plain(row.file_name)}: loaded {row.loaded_at:%d/%m/%Y %H:%M}, as of "
                 f"{row.as_of:%d/%m/%Y}" for row in gateway.read(status.loads).itertuples()]
        st.markdown("**Data.** " + ("Loaded from:\n" + "\n".join(lines) if lines
                                    else "No file has been loaded yet."))
