"""The "Needs attention" band: the few measures in the worst state, each with one drafted sentence
(`pipelines.commentary`), which a DCO may reword before the board pack is exported. The Overview
and the board pack page show the same band; the pack prints the same sentences.
"""

from __future__ import annotations

import streamlit as st

from dashboard.components import auth, gateway
from pipelines import commentary, metrics

REASON_HELP = ("A measure is listed when it is red against its local target (more than the amber "
               "margin short of it), when its SPC chart shows special cause concern in the latest "
               "month, or when both process limits sit on the wrong side of the target "
               "(consistently failing). Worst first: most reasons, then furthest from target.")


def _editor(draft: commentary.Draft, key: str) -> None:
    """A DCO's rewording of one sentence, stored for the quarter and audited."""
    viewer = auth.current()
    if not viewer.can("dco"):
        return
    with st.expander("Edit this sentence for the board pack"):
        text = st.text_area("Sentence", value=draft.text, key=f"{key}_text", max_chars=commentary.MAX_EDIT,
                            help="Stored for this measure and quarter, and recorded in the audit log "
                                 "with your name. The board pack prints it in place of the draft.")
        save, revert = st.columns(2)
        if save.button("Save wording", key=f"{key}_save"):
            try:
                gateway.write(commentary.save_edit, draft.metric, draft.quarter, text,
                              edited_by=viewer.name, drafted=draft.drafted)
            except commentary.CommentaryError as exc:
                st.error(str(exc))
            else:
                st.rerun()
        if draft.edited and revert.button("Back to the draft", key=f"{key}_revert"):
            gateway.write(commentary.save_edit, draft.metric, draft.quarter, "",
                          edited_by=viewer.name, drafted=draft.drafted)
            st.rerun()


def band(f: metrics.Filters, key: str, heading: bool = True) -> list[commentary.Draft]:
    """The band for the period `f`: a heading (a subheader, or with `heading` False a bold line
    where the page's headings are its sections), then each measure's sentence and why."""
    drafts = gateway.read(commentary.needs_attention, f, commentary.period_name(f))
    if heading:
        st.subheader("Needs attention", help=REASON_HELP)
    else:
        st.markdown("**Needs attention**", help=REASON_HELP)
    if not drafts:
        st.success("No measure is red against its target, failing it consistently, or showing "
                   "special cause concern on its SPC chart for this period.",
                   icon=":material/check_circle:")
        return drafts
    for draft in drafts:
        with st.container(border=True):
            st.markdown(f"**{draft.label}** · {', '.join(draft.reasons).capitalize()}")
            st.write(draft.text)
            if draft.edited:
                when = f" on {draft.edited_at:%d/%m/%Y %H:%M}" if draft.edited_at else ""
                st.caption(f"Worded by {draft.edited_by}{when} for {draft.quarter}; the draft "
                           "from the figures is kept." + (
                               " The figures have changed since: check the wording." if
                               draft.stale_edit else ""))
            _editor(draft, f"{key}_{draft.metric}")
    return drafts
