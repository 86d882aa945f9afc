"""Settings read in one place: database path, local authorities and their spellings, targets.

`settings.toml` at the repository root holds local choices (the area, targets, comparators);
`SEND_SETTINGS` may point elsewhere. Secrets (the pseudonym key) never live in settings.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from pipelines.limits import Limits
from pipelines.vocab import ADVICE_EXCEPTIONS, PLAN_EXCEPTIONS, UNSPECIFIED, normalise_token

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).resolve().parent / "reference"
DEFAULT_DB = ROOT / "data" / "send.duckdb"

# Words that councils add to their names in exports; dropped before matching.
_COUNCIL_WORDS = re.compile(
    r"\b(london borough of|royal borough of|metropolitan borough of|metropolitan borough council|"
    r"metropolitan borough|borough of|county of|"
    r"county borough council|county council|city council|borough council|district council|"
    r"council of the|council|city of|mbc|cc|la)\b"
)


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--db`, else `SEND_DB`, else `data/send.duckdb` under the repository."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("SEND_DB")
    return Path(env) if env else DEFAULT_DB


@dataclass(frozen=True)
class LocalAuthority:
    name: str
    old_code: str = ""
    new_code: str = ""
    region: str = ""
    aliases: tuple[str, ...] = ()
    statistical_neighbours: tuple[str, ...] = ()
    local: bool = False  # one of the area's own LAs (listed in settings)


@dataclass(frozen=True)
class Settings:
    area_name: str
    local_authorities: tuple[LocalAuthority, ...]
    targets: dict[str, float]
    amber_margin: float
    suppression_threshold: int
    england: tuple[LocalAuthority, ...] = field(default=())
    always_sign_in: bool = False  # also for the synthetic samples (real data always needs it)
    upload_max_mb: int = 100
    identity_claim: str = "email"  # the identity provider's claim that names a user
    icb: str = ""  # the area's ICB as NHS England names it (CHS waiting lists), and its providers
    nhs_providers: tuple[str, ...] = ()
    quarter_basis: str = "financial"  # the board pack's quarters: NHS financial-year or calendar
    limits: Limits = field(default_factory=Limits)  # how big a file may be to be read at all
    # The area's own reasons mapped to a lawful exception, by kind ("advice", "plan"): recorded
    # text as written in settings.toml -> lawful reason. Shown wherever a figure is explained.
    exception_map: dict[str, dict[str, str]] = field(default_factory=dict)

    def local_exceptions(self, kind: str) -> dict[str, str]:
        """{normalised spelling: lawful reason} for `vocab.lawful_exception`."""
        return {normalise_token(k): v for k, v in self.exception_map.get(kind, {}).items()}

    @property
    def area_las(self) -> list[str]:
        return [la.name for la in self.local_authorities]

    @cached_property
    def fingerprint(self) -> str:
        """Names these settings by their values: a figure worked out under other settings (the
        area's LAs, targets, the suppression threshold) is never taken for one of these."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]


def _la_key(name: str) -> str:
    lowered = name.lower().replace("&", " and ")
    lowered = re.sub(r",\s*(city|county) of$", "", lowered)  # DfE's "Bristol, City of"
    return normalise_token(_COUNCIL_WORDS.sub(" ", lowered)) or normalise_token(name)


@cache
def _england() -> tuple[LocalAuthority, ...]:
    with (REFERENCE / "local_authorities.csv").open(encoding="utf-8") as fh:
        return tuple(
            LocalAuthority(r["la_name"], r["old_la_code"], r["new_la_code"], r["region_name"])
            for r in csv.DictReader(fh)
        )


@cache
def load_settings(path: str | None = None) -> Settings:
    path = path or os.environ.get("SEND_SETTINGS") or str(ROOT / "settings.toml")
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    england = {la.name: la for la in _england()}
    locals_ = []
    for entry in raw.get("local_authorities", []):
        ref = england.get(entry["name"], LocalAuthority(entry["name"]))
        locals_.append(LocalAuthority(
            name=entry["name"], old_code=ref.old_code, new_code=ref.new_code, region=ref.region,
            aliases=tuple(entry.get("aliases", ())),
            statistical_neighbours=tuple(entry.get("statistical_neighbours", ())), local=True,
        ))
    targets = dict(raw.get("targets", {}))
    amber = float(targets.pop("amber_margin", 10.0))
    return Settings(
        area_name=raw.get("area", {}).get("name", "Local area"),
        local_authorities=tuple(locals_),
        targets={k: float(v) for k, v in targets.items()},
        amber_margin=amber,
        suppression_threshold=int(raw.get("suppression", {}).get("threshold", 5)),
        england=_england(),
        always_sign_in=bool(raw.get("access", {}).get("always_require_sign_in", False)),
        upload_max_mb=int(raw.get("uploads", {}).get("max_mb", 100)),
        identity_claim=str(raw.get("access", {}).get("identity_claim", "email")),
        icb=str(raw.get("area", {}).get("icb", "")),
        nhs_providers=tuple(raw.get("area", {}).get("providers", ())),
        exception_map=_exception_map(raw.get("exceptions", {}), path),
        quarter_basis=_quarter_basis(raw.get("board_pack", {}).get("quarters", "financial"), path),
        limits=Limits.from_settings(raw.get("limits", {})),
    )


def _exception_map(raw: dict, path: str) -> dict[str, dict[str, str]]:
    """settings.toml's [exceptions.advice] and [exceptions.plan]: each value must be a lawful
    reason of that kind, so the area can widen a spelling but never invent a reason."""
    lawful = {"advice": set(ADVICE_EXCEPTIONS), "plan": set(PLAN_EXCEPTIONS) - {UNSPECIFIED}}
    out: dict[str, dict[str, str]] = {}
    for kind, mapping in raw.items():
        if kind not in lawful:
            raise ValueError(f"{path}: [exceptions.{kind}] is not one of advice, plan")
        for text, reason in mapping.items():
            if reason not in lawful[kind]:
                raise ValueError(f"{path}: [exceptions.{kind}] maps {text!r} to {reason!r}, which is "
                                 f"not a lawful reason ({'; '.join(sorted(lawful[kind]))})")
        out[kind] = {str(k): str(v) for k, v in mapping.items()}
    return out


def _quarter_basis(value: object, path: str) -> str:
    if value not in ("financial", "calendar"):
        raise ValueError(f"{path}: [board_pack] quarters must be \"financial\" or \"calendar\", "
                         f"not {value!r}")
    return str(value)


@cache
def _la_index(settings_path: str | None = None) -> dict[str, str]:
    settings = load_settings(settings_path)
    index: dict[str, str] = {}
    for la in settings.england:
        for spelling in (la.name, la.old_code, la.new_code):
            if spelling:
                index[_la_key(spelling)] = la.name
    for spelling, name in _COUNCIL_NAMES.items():
        index.setdefault(_la_key(spelling), name)
    # The area's own spellings win over England's.
    for la in settings.local_authorities:
        for spelling in (la.name, *la.aliases):
            index[_la_key(spelling)] = la.name
    return index


def forget_settings() -> None:
    """Read settings.toml again at the next ask, and the LA spellings worked out from it: for a
    tool that moves SEND_SETTINGS within one process (settings are otherwise read once)."""
    load_settings.cache_clear()
    _la_index.cache_clear()


def canonical_la(value: str) -> str | None:
    """The canonical name of a local authority from any known spelling or code, else None. A
    name beside a code ("Leeds (383)", "383 - Leeds") is known when both name the same one."""
    index = _la_index()
    found = index.get(_la_key(value))
    if found is None and (m := _NAME_AND_CODE.match(value.strip())):
        code, name = (m["code"], m["name"]) if m["code"] else (m["code2"], m["name2"])
        by_name = index.get(_la_key(name))
        found = by_name if by_name is not None and by_name == index.get(_la_key(code)) else None
    return found


_CODE = r"(?:\d{3}|E\d{8})"
# Spaces bounded: an unbounded run beside `.*` backtracks for seconds on a long cell.
_NAME_AND_CODE = re.compile(rf"^(?:(?P<code>{_CODE})\s{{0,3}}[-–:]?\s{{0,3}}(?P<name>\D.*)|"
                            rf"(?P<name2>.*\D)\s{{0,3}}[-–:(\[]\s{{0,3}}(?P<code2>{_CODE})"
                            rf"\s{{0,3}}[)\]]?)$")
# Councils' own names where they differ from the DfE's list (and are no other authority's).
_COUNCIL_NAMES = {"Hull": "Kingston upon Hull, City of", "Durham": "County Durham",
                  "BCP": "Bournemouth, Christchurch and Poole"}
