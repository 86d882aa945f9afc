import pytest

from pipelines.config import canonical_la, db_path, load_settings


@pytest.mark.parametrize("spelling, expected", [
    ("Northshire", "Northshire"),
    ("NORTHSHIRE COUNTY COUNCIL", "Northshire"),
    ("NSH", "Northshire"),
    ("Riverside City Council", "Riverside"),
    ("Leeds", "Leeds"),
    ("Leeds City Council", "Leeds"),
    ("Kingston upon Hull", "Kingston upon Hull, City of"),
    ("Bristol City Council", "Bristol, City of"),
    ("St. Helens", "St. Helens"),
    ("st helens", "St. Helens"),
    ("London Borough of Camden", "Camden"),
    ("841", "Darlington"),
    ("E06000005", "Darlington"),
    ("Brighton & Hove", "Brighton and Hove"),
    # Councils' own names where the DfE's differ, and a name beside its code.
    ("Herefordshire", "Herefordshire, County of"),
    ("Herefordshire Council", "Herefordshire, County of"),
    ("Durham County Council", "County Durham"),
    ("Hull City Council", "Kingston upon Hull, City of"),
    ("BCP Council", "Bournemouth, Christchurch and Poole"),
    ("Metropolitan Borough of Wirral", "Wirral"),
    ("Leeds (383)", "Leeds"),
    ("383 - Leeds", "Leeds"),
    ("E08000035 Leeds", "Leeds"),
])
def test_known_spellings(spelling, expected):
    assert canonical_la(spelling) == expected


@pytest.mark.parametrize("spelling", ["Westshire", "Nowhere", "", "Council",
                                      "Leeds (384)", "384 - Leeds"])  # 384 is Wakefield
def test_unknown_spellings(spelling):
    assert canonical_la(spelling) is None


def test_settings_list_the_area_and_targets():
    settings = load_settings()
    assert settings.area_las == ["Northshire", "Riverside", "Eastmoor"]
    assert settings.targets["health_advice_within_6_weeks_pct"] == 90.0
    assert settings.suppression_threshold == 5
    assert len([la for la in settings.england if la.region]) >= 153


def test_db_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("SEND_DB", str(tmp_path / "env.duckdb"))
    assert db_path("explicit.duckdb").name == "explicit.duckdb"
    assert db_path().name == "env.duckdb"
    monkeypatch.delenv("SEND_DB")
    assert db_path().parts[-2:] == ("data", "send.duckdb")
