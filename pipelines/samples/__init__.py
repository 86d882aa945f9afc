"""Write deterministic synthetic exports: EHC requests, health advice (providers' logs and an LA's
export), tribunal appeals, a schools audit, annual reviews, waiting lists, personal health
budgets and complaints.

Every name, number and date is invented; a fixed seed and a fixed extract date make each run
byte-identical. Run `python -m pipelines.samples [--out data_samples] [--seed N]`. A tool, not
the product: the app never imports it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from random import Random

from pipelines.samples.annex_a import write_annex_a_northshire
from pipelines.samples.messiness import (
    write_complaints,
    write_ehcp_eastmoor,
    write_ehcp_northshire,
    write_ehcp_riverside,
    write_health_advice_nch,
    write_health_advice_nrc_november,
    write_health_advice_nrc_october,
    write_health_advice_reh,
    write_la_advice,
    write_phb,
    write_reviews_eastmoor,
    write_reviews_northshire,
    write_reviews_riverside,
    write_schools,
    write_tribunals,
    write_waits_camhs,
    write_waits_community,
)
from pipelines.samples.model import DEFAULT_OUT, DEFAULT_SEED, EXTRACT, World
from pipelines.samples.world import build_world

# --- driver ---------------------------------------------------------------------------------

Writer = Callable[[Path, World, Random], int]
FILES: tuple[tuple[str, str, Writer], ...] = (
    ("ehcp_northshire_2026-11.xlsx", "ehcp", write_ehcp_northshire),
    ("ehcp_riverside_2026-11.csv", "ehcp", write_ehcp_riverside),
    ("ehcp_eastmoor_2026-11.xlsx", "ehcp", write_ehcp_eastmoor),
    ("health_advice_northshire_community_trust_2026-11.xlsx", "health_advice",
     write_health_advice_nch),
    ("health_advice_riverside_eastmoor_trust_2026-11.csv", "health_advice",
     write_health_advice_reh),
    ("health_advice_camhs_partnership_2026-10.csv", "health_advice",
     write_health_advice_nrc_october),
    ("health_advice_camhs_partnership_2026-11.csv", "health_advice",
     write_health_advice_nrc_november),
    ("tribunals_tracker_2026-11.xlsx", "tribunals", write_tribunals),
    ("health_advice_northshire_la_export_2026-11.csv", "health_advice", write_la_advice),
    ("schools_audit_2026-11.xlsx", "schools", write_schools),
    ("annual_reviews_northshire_2026-11.xlsx", "annual_reviews", write_reviews_northshire),
    ("annual_reviews_riverside_2026-11.csv", "annual_reviews", write_reviews_riverside),
    ("annual_reviews_eastmoor_2026-11.xlsx", "annual_reviews", write_reviews_eastmoor),
    ("waiting_times_community_trusts_2026-10.csv", "waiting_times", write_waits_community),
    ("waiting_times_camhs_partnership_2026-10.xlsx", "waiting_times", write_waits_camhs),
    ("phb_register_2026-11.xlsx", "phb", write_phb),
    ("complaints_log_2026-11.csv", "complaints", write_complaints),
    ("annex_a_northshire_2026-11.xlsx", "cohort", write_annex_a_northshire),
)
# The local authority of a file without an LA column (loaded with `ingest --la`).
FILE_LAS = {"annex_a_northshire_2026-11.xlsx": "Northshire"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write every sample export and MANIFEST.json into `out_dir`; return the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = build_world(seed)
    entries, paths = [], []
    for name, dataset, writer in FILES:
        path = out_dir / name
        # One random stream per file: a change to one file's quirks leaves the others alone.
        rows = writer(path, world, Random(f"{seed}:{name}"))
        entries.append({"name": name, "dataset": dataset, "sha256": sha256(path),
                        "data_rows": rows, **({"la": FILE_LAS[name]} if name in FILE_LAS else {})})
        paths.append(path)
    manifest = out_dir / "MANIFEST.json"
    body = {"generator": "python -m pipelines.samples", "seed": seed, "synthetic": True,
            "extract_date": EXTRACT.isoformat(), "files": entries}
    manifest.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return [*paths, manifest]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.samples",
                                     description="Write the synthetic sample exports.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    paths = generate(args.out, args.seed)
    files = json.loads(paths[-1].read_text(encoding="utf-8"))["files"]
    for entry in files:
        print(f"{entry['data_rows']:>6} rows  {args.out / entry['name']}")
    print(f"manifest: {paths[-1]}")
    return 0
