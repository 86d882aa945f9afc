"""The SEN2 return (the DfE's January collection of EHC requests and plans) as LAs download it:
the XML (schema 2024 and 2025) or the same items flattened to one table or a sheet per module.

Each request becomes one `ehcp` row keyed by (LA, child's pseudonym, received date): `case_id`
is the child's pseudonym and the received date. DATA PROTECTION: names, postcodes, UPNs and ULNs
go only to the validator, which pseudonymises them and keeps the year of birth.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from xml.etree.ElementTree import Element, ParseError

import pyarrow as pa
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from pipelines.config import canonical_la
from pipelines.dates import DateError, parse_date
from pipelines.pseudonym import person_key, pseudonym
from pipelines.readers import Cells, FileError, column_letter, is_blank
from pipelines.vocab import normalise_token

# Items of the DfE's SEN2 schema, by module (element names as the XSD spells them).
PERSON_ITEMS = ("Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity", "PostCode", "UPN",
                "UniqueLearnerNumber", "UPNunknown")
REQUEST_ITEMS = ("ReceivedDate", "RYA", "RequestOutcomeDate", "RequestOutcome",
                 "RequestMediation", "RequestTribunal", "Exported")
ASSESSMENT_ITEMS = ("AssessmentOutcome", "AssessmentOutcomeDate", "AssessmentMediation",
                    "AssessmentTribunal", "OtherMediation", "OtherTribunal", "Week20")
NAMED_PLAN_ITEMS = ("StartDate", "PlanRes", "PlanWBP", "PB", "OA", "DP", "CeaseDate",
                    "CeaseReason", "URN", "UKPRN", "SENSetting", "SENSettingOther",
                    "PlacementRank", "SENunitIndicator", "ResourcedProvisionIndicator")
ACTIVE_PLAN_ITEMS = ("TransferLA", "EntryDate", "LeavingDate", "Res", "WBP", "SENtype",
                     "SENtypeRank", "ReviewMeeting", "ReviewOutcome", "LastReview")
HEADER_ITEMS = ("Collection", "Year", "ReferenceDate", "SourceLevel", "LEA", "SoftwareCode",
                "Release", "SerialNo", "DateTime", "DMO", "DCO")
ALL_ITEMS = (*PERSON_ITEMS, *REQUEST_ITEMS, *ASSESSMENT_ITEMS, *NAMED_PLAN_ITEMS,
             *ACTIVE_PLAN_ITEMS, *HEADER_ITEMS)
IDENTITY_ITEMS = ("UPN", "UniqueLearnerNumber", "Surname", "Forename", "PersonBirthDate")
# Names any export may use: alone they do not make a sheet a SEN2 return.
GENERIC_ITEMS = frozenset({"Surname", "Forename", "Sex", "Ethnicity", "PostCode", "UPN", "URN",
                           "UKPRN", "Year", "Collection", "Release", "DateTime", "SerialNo", "DP",
                           "OA", "PB", "Res", "WBP"})
# Columns a flattened return joins its modules on (not SEN2 items: the flattening tool's ids).
PERSON_ID_SPELLINGS = ("PersonID", "Person ID", "person_id")
REQUEST_ID_SPELLINGS = ("RequestID", "Request ID", "request_id", "RequestsID", "requests_id")

# SEN2 item -> the ehcp column (by the alias the schema knows it as) it fills.
EHCP_ITEMS = {
    "ReceivedDate": "ReceivedDate",
    "RequestOutcomeDate": "RequestOutcomeDate",
    "RequestOutcome": "RequestOutcome",
    "AssessmentOutcomeDate": "AssessmentOutcomeDate",
    "AssessmentOutcome": "AssessmentOutcome",
    "StartDate": "StartDate",
    "Week20": "Week20",
    "SENtype": "SENtype",
    "PersonBirthDate": "PersonBirthDate",
    "Forename": "Forename",
    "Surname": "Surname",
    "UPN": "UPN",
    "UniqueLearnerNumber": "UniqueLearnerNumber",
}
# Items kept beside the ehcp row (`sen2_requests`), and the header's items that are stored.
KEPT_ITEMS = ("Sex", "Ethnicity", "RequestMediation", "RequestTribunal", "AssessmentMediation",
              "AssessmentTribunal")
USED_HEADER_ITEMS = ("Collection", "Year", "LEA", "DMO", "DCO", "DateTime", "ReferenceDate")
USED_ITEMS = frozenset({*EHCP_ITEMS, *KEPT_ITEMS, *USED_HEADER_ITEMS, "SENtypeRank"})

SHEET = "SEN2 requests"  # the sheet name rejects give: row 2 is the file's first request
_TOKENS = {normalise_token(item): item for item in ALL_ITEMS}
_PERSON_IDS = {normalise_token(s) for s in PERSON_ID_SPELLINGS}
_REQUEST_IDS = {normalise_token(s) for s in REQUEST_ID_SPELLINGS}


@dataclass
class Sen2Return:
    """One SEN2 return: its header and its requests, each a dict of SEN2 item -> value."""

    file: str
    requests: list[dict[str, Any]]
    unused: list[str]
    lea: str | None = None
    year: str | None = None
    dmo: str | None = None
    dco: str | None = None
    made: str | None = None  # the header's DateTime (else ReferenceDate): when it was extracted
    local_authorities: list[str | None] = field(default_factory=list)  # one per request
    # A flattened return's requests: where each item's cell is, item -> (sheet, Excel row,
    # column, header); "" is the request's row itself (at its person id column, if any).
    origins: list[dict[str, tuple[str, int, int | None, str]]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # a module's rows that join no request


@dataclass
class Sen2Sheet:
    """A sheet of a flattened return: its SEN2 columns, join ids and rows as read."""

    name: str
    header: list[Any]
    items: dict[str, int]  # SEN2 item -> column position
    person_id: int | None
    request_id: int | None
    la: int | None  # an LA column (LEA code or name)
    rows: list[list[Any]] = field(default_factory=list)
    first_row: int = 2  # the Excel row of `rows[0]`

    @property
    def has_identity(self) -> bool:
        return any(i in self.items for i in IDENTITY_ITEMS)


# --- XML -----------------------------------------------------------------------------------

def looks_like_xml(data: bytes) -> bool:
    """Whether the bytes are XML, with or without the `<?xml` declaration or a BOM."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _name(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _child(element: Element, name: str) -> Element | None:
    return next((c for c in element if _name(c) == name), None)


def _leaf_text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


_HTML = re.compile(rb"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|table)\b", re.IGNORECASE | re.DOTALL)
_SAVE_AS = "open it in Excel and save it as .xlsx (or CSV), then load that"


def _refuse_other_markup(path: Path, head: bytes) -> None:
    """A web system's "Export to Excel" (an HTML table) and Excel 2003's XML spreadsheet are
    markup named .xls: say what they are, rather than how they fail as XML."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML.match(text):
        raise FileError(f"{path.name}: a web page (HTML), not a workbook, as a web system's "
                        f"'Export to Excel' saves one; {_SAVE_AS}")
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head and b"<Workbook" in head:
        raise FileError(f"{path.name}: an Excel 2003 XML spreadsheet, which is not read; {_SAVE_AS}")


def read_xml(path: Path, data: bytes) -> Sen2Return:
    """A SEN2 XML return; FileError for XML that is not well formed, uses entities or a DTD,
    or is not a SEN2 return (saying so of a web page or an Excel 2003 XML spreadsheet, which
    case systems save with an .xls name)."""
    _refuse_other_markup(path, data[:4096])
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FileError(f"{path.name}: the XML declares a DTD or entities, which are refused "
                        f"for safety ({type(exc).__name__})") from exc
    except ParseError as exc:
        raise FileError(f"{path.name}: not well-formed XML ({exc})") from exc
    header = _child(root, "Header")
    persons = _child(root, "Persons")
    collection = _leaf_text(_child(_child(header, "CollectionDetails") or Element("x"),
                                   "Collection")) if header is not None else None
    if _name(root) != "Message" or header is None or persons is None or (
            collection is not None and collection.upper() != "SEN2"):
        found = f"<{_name(root)}>" + (f" for collection {collection}" if collection else "")
        raise FileError(f"{path.name}: an XML file but not a SEN2 return (found {found}; a SEN2 "
                        "return is a <Message> with a <Header> and <Persons>)")
    result = Sen2Return(path.name, [], [])
    unused: set[str] = set()
    for part in header.iter():
        if len(part):
            continue
        name = _name(part)
        if name not in USED_HEADER_ITEMS:
            unused.add(f"Header/{name}")
    details = _child(header, "CollectionDetails")
    source = _child(header, "Source")
    result.year = _leaf_text(_child(details, "Year")) if details is not None else None
    if source is not None:
        result.lea = _leaf_text(_child(source, "LEA"))
        result.dmo = _leaf_text(_child(source, "DMO"))
        result.dco = _leaf_text(_child(source, "DCO"))
        result.made = _leaf_text(_child(source, "DateTime"))
    if not result.made and details is not None:
        result.made = _leaf_text(_child(details, "ReferenceDate"))
    for person in persons:
        if _name(person) != "Person":
            continue
        own: dict[str, Any] = {}
        for item in person:
            if not len(item):
                _keep(own, _name(item), _leaf_text(item), "Person", unused)
        for request in _requests(person):
            values = dict(own)
            _flatten(request, values, "Request", unused)
            result.requests.append(values)
    result.unused = sorted(unused)
    return result


def _requests(person: Element) -> list[Element]:
    """2024 repeats <Requests> once per request; a <Requests> holding <Request>s is read too."""
    found = []
    for child in person:
        if _name(child) == "Request":
            found.append(child)
        elif _name(child) == "Requests":
            inner = [c for c in child if _name(c) == "Request"]
            found += inner or [child]
    return found


def _flatten(element: Element, values: dict[str, Any], path: str, unused: set[str]) -> None:
    """Every leaf below a request, by item name; of the needs, the one ranked first."""
    for child in element:
        name = _name(child)
        if name == "SENneed":
            rank = _leaf_text(_child(child, "SENtypeRank"))
            if rank in (None, "1") and "SENtype" not in values:
                values["SENtype"] = _leaf_text(_child(child, "SENtype"))
            continue
        if len(child):
            _flatten(child, values, f"{path}/{name}", unused)
        else:
            _keep(values, name, _leaf_text(child), path, unused)


def _keep(values: dict[str, Any], name: str, text: str | None, path: str, unused: set[str]) -> None:
    if name in USED_ITEMS:
        values.setdefault(name, text)
    else:
        unused.add(f"{path}/{name}")


# --- flattened to CSV or a workbook --------------------------------------------------------

def sen2_sheet(name: str, rows: list[list[Any]]) -> tuple[int, Sen2Sheet] | None:
    """(header row index, the sheet) if a row among the first names SEN2 items (two or more,
    or one beside a join id); else None."""
    best: tuple[int, Sen2Sheet] | None = None
    for index, cells in enumerate(rows[:60]):
        items: dict[str, int] = {}
        person_id = request_id = la = None
        for position, cell in enumerate(cells):
            if not isinstance(cell, str) or not cell.strip():
                continue
            token = normalise_token(cell)
            if token in _PERSON_IDS and person_id is None:
                person_id = position
            elif token in _REQUEST_IDS and request_id is None:
                request_id = position
            elif token in ("la", "localauthority", "laname") and la is None:
                la = position
            elif token in _TOKENS and _TOKENS[token] not in items:
                items[_TOKENS[token]] = position
        if "LEA" in items and la is None:
            la = items["LEA"]
        ids = (person_id is not None) + (request_id is not None)
        if set(items) - GENERIC_ITEMS and (len(items) >= 2 or ids):
            sheet = Sen2Sheet(name, list(cells), items, person_id, request_id, la)
            if best is None or len(items) > len(best[1].items):
                best = (index, sheet)
    return best


def body_rows(columns: list[Cells], n: int) -> list[list[Any]]:
    """A sheet body's columns back into rows (a SEN2 return is thousands of rows, not millions)."""
    return [[c.at(r) for c in columns] for r in range(n)]


def from_sheets(file: str, sheets: list[Sen2Sheet]) -> Sen2Return:
    """Join a flattened return's sheets into requests: the sheet with ReceivedDate is the base;
    the others join on the request id, else the person id. A sheet that cannot join is refused."""
    base = next((s for s in sheets if "ReceivedDate" in s.items), None)
    if base is None:
        raise FileError(f"{file}: looks like a flattened SEN2 return but no sheet has the "
                        "requests' ReceivedDate column")
    unused = {f"{s.name}/{str(cell).strip()}" for s in sheets for p, cell in enumerate(s.header)
              if not is_blank(cell) and p not in _used_positions(s)}
    requests, las = [], []
    lookups = []
    for other in sheets:
        if other is base:
            continue
        on = ("request", base.request_id, other.request_id)
        if base.request_id is None or other.request_id is None:
            on = ("person", base.person_id, other.person_id)
        if on[1] is None or on[2] is None:
            raise FileError(f"{file}: sheet '{other.name}' has no request or person id column "
                            f"to join to sheet '{base.name}' (e.g. {REQUEST_ID_SPELLINGS[0]} or "
                            f"{PERSON_ID_SPELLINGS[0]})")
        index: dict[str, tuple[int, list[Any]]] = {}
        for at, row in enumerate(other.rows):
            ident = _cell_id(row, on[2])
            if ident and (ident not in index or _rank(other, row) < _rank(other, index[ident][1])):
                index[ident] = (at, row)  # a request's first row, or its need ranked first
        lookups.append((other, on[1], index))
    origins, joined = [], set()
    for at, row in enumerate(base.rows):
        if all(is_blank(c) for c in row):
            continue
        values = {item: _cell(row, p) for item, p in base.items.items() if item in USED_ITEMS}
        origin = {item: _origin(base, at, p) for item, p in base.items.items()}
        origin[""] = _origin(base, at, base.person_id)
        if base.la is not None:
            origin["local_authority"] = _origin(base, at, base.la)
        la = _cell(row, base.la) if base.la is not None else None
        for other, position, index in lookups:
            at_match, match = index.get(_cell_id(row, position) or "", (0, None))
            if match is None:
                continue
            joined.add((other.name, at_match))
            for item, p in other.items.items():
                if item in USED_ITEMS and item not in values:
                    values[item] = _cell(match, p)
                    origin[item] = _origin(other, at_match, p)
            if la is None and other.la is not None:
                la = _cell(match, other.la)
                origin["local_authority"] = _origin(other, at_match, other.la)
        requests.append(values)
        las.append(la)
        origins.append(origin)
    result = Sen2Return(file, requests, sorted(unused), origins=origins)
    result.unmatched = [_unmatched(other, index, joined) for other, _, index in lookups]
    result.unmatched = [m for m in result.unmatched if m]
    if any(s.la is not None for s in sheets):  # else none: the LA is the header's or `--la`
        result.local_authorities = [_la_text(v) for v in las]
    result.year, result.dmo, result.dco = (_first(sheets, item) for item in ("Year", "DMO", "DCO"))
    return result


def _rank(sheet: Sen2Sheet, row: list[Any]) -> int:
    """A need's SENtypeRank (1: the primary need), as the XML's needs are chosen; a row without
    one after any with one; 0 on a sheet without ranks (its first row for a request is taken)."""
    if "SENtypeRank" not in sheet.items:
        return 0
    rank = _cell_id(row, sheet.items["SENtypeRank"])
    return int(rank) if rank and rank.isdigit() else 1_000


def _unmatched(sheet: Sen2Sheet, index: dict[str, tuple[int, list[Any]]],
               joined: set[tuple[str, int]]) -> str:
    """What a module sheet says of its rows whose id joins no request ("" if none)."""
    left = [(at, ident) for ident, (at, _) in index.items() if (sheet.name, at) not in joined]
    if not left:
        return ""
    on = sheet.header[sheet.request_id if sheet.request_id is not None else sheet.person_id]
    listed = ", ".join(f"row {sheet.first_row + at} ({ident})" for at, ident in sorted(left)[:20])
    return (f"sheet '{sheet.name}': {len(left)} row{'s' if len(left) > 1 else ''} joining no "
            f"request by {str(on).strip()}, not loaded: {listed}{', ...' if len(left) > 20 else ''}")


def _origin(sheet: Sen2Sheet, at: int, position: int | None) -> tuple[str, int, int | None, str]:
    header = "" if position is None else str(sheet.header[position]).strip()
    return sheet.name, sheet.first_row + at, position, header


def _first(sheets: list[Sen2Sheet], item: str) -> str | None:
    """A header item a flattened return repeats on its rows (or gives once): the first value."""
    for sheet in sheets:
        if item in sheet.items:
            for row in sheet.rows:
                if (value := _cell_id(row, sheet.items[item])) is not None:
                    return value
    return None


def _used_positions(sheet: Sen2Sheet) -> set[int | None]:
    """Columns a flattened sheet gives the load: used items, its join ids and its LA."""
    return {*(p for item, p in sheet.items.items() if item in USED_ITEMS), sheet.person_id,
            sheet.request_id, sheet.la}


def _cell(row: list[Any], position: int | None) -> Any:
    if position is None or position >= len(row):
        return None
    return None if is_blank(row[position]) else row[position]


def _cell_id(row: list[Any], position: int) -> str | None:
    value = _cell(row, position)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().upper() if value is not None else None


def _la_text(value: Any) -> str | None:
    """An LA cell as written (a code Excel made a number as its digits), for the validator to
    read as it reads any export's LA column: an unknown spelling is rejected, not guessed."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


# --- to the ehcp dataset -------------------------------------------------------------------

def local_authority(ret: Sen2Return, la: str | None) -> list[str | None]:
    """Each request's LA: the header's LEA code, else the file's LA column as written (a blank
    cell None: the validator fills it with `--la`, else rejects it as a missing field, and
    rejects a row naming another LA, as for any export with an LA column), else `--la`."""
    given = canonical_la(la) if la else None
    if la and given is None:
        raise FileError(f"{ret.file}: --la '{la}' is not a known local authority")
    if ret.lea is not None:
        name = canonical_la(ret.lea)
        if name is None:
            raise FileError(f"{ret.file}: the header's LEA code '{ret.lea}' is not an English "
                            "local authority's DfE code")
        if given is not None and given != name:
            raise FileError(f"{ret.file}: the header's LEA code '{ret.lea}' is {name}, not "
                            f"{given} (--la): check the file")
        return [name] * len(ret.requests)
    if ret.local_authorities:  # a blank cell without --la: that request's missing field
        return list(ret.local_authorities)
    if given is None:
        raise FileError(f"{ret.file}: a SEN2 return without an LEA code or LA column: name its "
                        "local authority with --la NAME")
    return [given] * len(ret.requests)


def child_pseudonym(values: dict[str, Any], key: bytes) -> str | None:
    """The child's pseudonym as the validator makes it: from the UPN, else the ULN, else name
    and date of birth."""
    upn, uln = _text(values.get("UPN")), _text(values.get("UniqueLearnerNumber"))
    name = " ".join(x for x in (_text(values.get("Forename")), _text(values.get("Surname"))) if x)
    try:
        birth = parse_date(values.get("PersonBirthDate"))
    except DateError:
        birth = None
    ident = person_key(None, name or None, birth.isoformat() if birth else None,
                       upn=upn.upper() if upn else None, uln=uln)
    return pseudonym(key, "person", ident) if ident else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) or None


def ehcp_rows(ret: Sen2Return, las: list[str | None], key: bytes
              ) -> tuple[list[list[Any]], list[dict[str, Any]]]:
    """The requests as an ehcp sheet (header row first), and what is kept beside each row."""
    items = list(EHCP_ITEMS)
    rows: list[list[Any]] = [["case_id", "local_authority", *(EHCP_ITEMS[i] for i in items)]]
    kept = []
    for values, la in zip(ret.requests, las, strict=True):
        child = child_pseudonym(values, key)
        received = values.get("ReceivedDate")
        try:
            day = parse_date(received)
        except DateError:
            day = None
        case_id = f"{child}/{day.isoformat() if day else _text(received) or ''}" if child else None
        row = [case_id, la]
        for item in items:
            value = values.get(item)
            if item == "UPN" and isinstance(value, str):
                value = value.strip().upper()
            row.append(value)
        rows.append(row)
        kept.append({"local_authority": la, "case_id": case_id.upper() if case_id else None,
                     "person_id": child, **{k.lower(): _text(values.get(k)) for k in KEPT_ITEMS}})
    return rows, kept


def sheet_name(ret: Sen2Return) -> str:
    """The sheet a return's requests are validated as: a flattened return's own requests sheet;
    for XML, `SHEET` (its row n is the n-1th request)."""
    return ret.origins[0][""][0] if ret.origins else SHEET


class _Finding(Protocol):
    """A reject or warning (`validate.Reject`), as far as placing it needs."""

    row: int
    column: str
    header: str
    reason: str


class _Outcome(Protocol):
    """A validated sheet (`validate.SheetOutcome`), as far as placing its rows needs."""

    rejects: list[Any]
    warnings: list[Any]
    records: pa.Table | None


def place_in_sheets(ret: Sen2Return, outcome: _Outcome) -> None:
    """A flattened return's rejects and warnings, and its rows' lineage, put at each request's
    own row of its requests sheet, not at its count among the requests; a reject's column is
    the item's there, and an item from another sheet (a plan's StartDate) says where it is."""
    if not ret.origins:
        return
    found: list[_Finding] = [*outcome.rejects, *outcome.warnings]
    for reject in found:
        origin = ret.origins[reject.row - 2]
        base, row, _, _ = origin[""]
        sheet, at, position, header = origin.get(reject.header) or (
            origin[""] if reject.header == "case_id" else (base, row, None, reject.header))
        if reject.column and position is not None and sheet != base:
            reject.reason = f"on sheet '{sheet}' row {at}, column {column_letter(position)}: " \
                            f"{reject.reason}"
            position = None
        reject.row, reject.header = row, header
        reject.column = "" if position is None or not reject.column else column_letter(position)
    if outcome.records is not None and outcome.records.num_rows:
        records = outcome.records
        at = records.column_names.index("source_row")
        rows = [ret.origins[r - 2][""][1] for r in records.column("source_row").to_pylist()]
        outcome.records = records.set_column(at, "source_row", pa.array(rows, pa.int32()))


def read_year(ret: Sen2Return, as_of: dt.date) -> int:
    """The collection year: the header's Year, else the year of the as-of date."""
    try:
        return int(str(ret.year)[:4]) if ret.year else as_of.year
    except ValueError:
        return as_of.year
