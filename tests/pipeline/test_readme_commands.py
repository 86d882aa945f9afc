"""The README's example commands work as written on a fresh clone: each indented block's
`python -m pipelines` lines run in order, in a shell, against a database on a temporary path
(the bundled samples are the files they name)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lines that cannot run offline on a fresh clone, and why (every other line runs).
NOT_OFFLINE = {"benchmarks import": "needs a release file downloaded from the DfE"}
COMMENT = re.compile(r"\s{2,}#.*$")


def readme_blocks() -> list[list[str]]:
    """The README's indented code blocks that run the pipelines' command line, each as its
    command lines (trailing comments dropped), in order."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("    "):
            if line.strip():
                current = None
            continue
        command = COMMENT.sub("", line.strip())
        if "python -m pipelines " not in command or command.startswith("#"):
            continue
        if current is None:
            current = []
            blocks.append(current)
        current.append(command)
    return blocks


def test_the_readme_has_the_first_admin_and_loading_examples() -> None:
    lines = [line for block in readme_blocks() for line in block]
    assert any("users add" in line and "--password-stdin" in line for line in lines)
    assert any(line.startswith("python -m pipelines ingest") for line in lines)
    # The exports they name are on a fresh clone.
    assert not any("exports/" in line for line in lines)


@pytest.mark.parametrize("block", readme_blocks(), ids=lambda b: b[0][:40])
def test_the_readme_commands_run_as_written(block: list[str], tmp_path: Path) -> None:
    (tmp_path / "data_samples").symlink_to(ROOT / "data_samples")
    env = {**os.environ, "SEND_DB": str(tmp_path / "send.duckdb"),
           "SEND_USERS_FILE": str(tmp_path / "users.json"),
           "SEND_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
           "SEND_PSEUDONYM_KEY": "test-key-not-secret",
           "ADMIN_PASSWORD": "a long enough password",
           "PYTHONPATH": str(ROOT), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("SEND_SETTINGS", None)
    ran = []
    for line in block:
        if any(f"python -m pipelines {skip}" in line for skip in NOT_OFFLINE):
            continue
        done = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True,
                              stdin=subprocess.DEVNULL,
                              text=True, check=False)
        assert done.returncode == 0, f"{line}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        ran.append((line, done.stdout))
    assert ran
    outputs = dict(ran)
    for line, out in outputs.items():
        if " status --json" in line:
            held = json.loads(out)["rows"]
            assert held["ehcp"] > 0 and held["health_advice"] > 0 and held["cohort"] > 0
        if " users add " in line:
            users = json.loads((tmp_path / "users.json").read_text(encoding="utf-8"))["users"]
            assert [(u["username"], u["role"]) for u in users] == [("jo", "admin")]
        if "--out " in line:
            assert (tmp_path / line.split("--out ")[1].split()[0]).stat().st_size > 0
