"""A recorded reason counts as a lawful exception only when it states one; every other reason
loads as recorded, counts as late, and is a warning in the load summary (count per text)."""

import duckdb

from pipelines import metrics
from tests.conftest import ADVICE_HEADER, AS_OF, write_csv


def _advice(rows):
    return [ADVICE_HEADER] + [
        [f"A{i}", f"C{i}", "Northshire", "Speech and Language Therapy", "05/01/2026", "30/03/2026",
         "Northshire Community Trust", reason, "", "New"]
        for i, reason in enumerate(rows)]


def test_doubtful_reasons_are_warned_about_and_counted_as_late(tmp_path, db, load):
    reasons = ["Holiday", "Holiday", "Illness", "Family did not attend", "away from area for a month",
               "", "None"]
    result = load(write_csv(tmp_path / "advice.csv", _advice(reasons)))
    assert result.status == "loaded" and result.loaded == 7
    warned = {w["value"]: w["rows"] for w in result.unlawful_reasons}
    assert warned == {"Holiday": 2, "Illness": 1}
    assert all(w["code"] == "exception_not_lawful" and "reg 8(2)" in w["message"]
               for w in result.unlawful_reasons)
    assert result.summary()["unlawful_reasons"] == result.unlawful_reasons
    with duckdb.connect(str(db), read_only=True) as con:
        lawful = dict(con.execute("SELECT exception_recorded, exception FROM health_advice "
                                  "WHERE exception_recorded IS NOT NULL").fetchall())
        f = metrics.Filters(AS_OF.replace(month=1, day=1), AS_OF, AS_OF)
        advice = metrics.rates(con, "health_advice", f).iloc[0]
    assert lawful["Family did not attend"] == "missed appointment"
    assert lawful["away from area for a month"] == "absent from area 4+ weeks"
    assert lawful["Holiday"] is None and lawful["Illness"] is None
    # Returned after 84 days: all late; the two lawful ones leave the headline, the rest stay.
    assert (advice.denominator, advice.denominator_incl) == (5, 7)


def test_an_advice_file_that_does_not_say_whose_log_it_is_is_refused(tmp_path, load):
    header = ["Advice ID", "Case ID", "LA", "Service", "Date Requested", "Date Returned"]
    path = write_csv(tmp_path / "advice.csv", [header, ["A1", "C1", "Northshire", "OT", "01/02/2026", ""]])
    refused = load(path)
    assert refused.status == "failed" and "--source" in refused.error and "Provider" in refused.error
    as_la = load(path, given={"source": "local authority"})
    assert as_la.loaded == 1


def test_source_and_provider_given_on_the_command_line(tmp_path, db):
    import subprocess
    import sys
    header = ["Advice ID", "Case ID", "LA", "Service", "Date Requested", "Date Returned"]
    path = write_csv(tmp_path / "advice.csv", [header, ["A1", "C1", "Northshire", "OT", "01/02/2026", ""]])
    run = subprocess.run([sys.executable, "-m", "pipelines", "ingest", str(path), "--db", str(db),
                          "--as-of", "2026-03-31", "--source", "provider", "--provider", "Northshire Trust"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT source, provider FROM health_advice").fetchall() == [
            ("provider", "Northshire Trust")]
