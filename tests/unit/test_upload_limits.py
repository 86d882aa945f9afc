"""The upload limit is one figure: Streamlit's own ceiling and the pipeline's check agree."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pipelines.config import load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_refuses_what_the_pipeline_would_refuse() -> None:
    streamlit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert streamlit["server"]["maxUploadSize"] == load_settings().upload_max_mb
    assert streamlit["client"]["showErrorDetails"] == "none"
    # No usage statistics leave the organisation, and no developer menu is offered to viewers.
    assert streamlit["browser"]["gatherUsageStats"] is False
    assert streamlit["client"]["toolbarMode"] == "viewer"
