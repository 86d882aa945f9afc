import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.dates import DateError, ImpossibleDate, parse_date

D = dt.date


@pytest.mark.parametrize("value, expected", [
    ("01/04/2025", D(2025, 4, 1)),
    ("1/4/2025", D(2025, 4, 1)),
    ("13/01/2025", D(2025, 1, 13)),
    ("02/03/2025", D(2025, 3, 2)),  # day first, always: this is England
    ("02-03-2025", D(2025, 3, 2)),
    ("02.03.2025", D(2025, 3, 2)),
    ("02/03/25", D(2025, 3, 2)),
    ("2025-04-01", D(2025, 4, 1)),
    ("2023-Nov-30 00:00:00", D(2023, 11, 30)),  # as SEN2 tools write it
    ("2023-Nov-30", D(2023, 11, 30)),
    ("2025-04-01 13:45:00", D(2025, 4, 1)),
    ("2025-04-01T13:45:00", D(2025, 4, 1)),
    ("01/04/2025 09:30", D(2025, 4, 1)),
    ("1 Apr 2025", D(2025, 4, 1)),
    ("1 April 2025", D(2025, 4, 1)),
    ("01-Apr-25", D(2025, 4, 1)),
    ("1st September 2025", D(2025, 9, 1)),
    ("April 1, 2025", D(2025, 4, 1)),
    ("45748", D(2025, 4, 1)),
    (45748, D(2025, 4, 1)),
    (45748.0, D(2025, 4, 1)),
    (45748.75, D(2025, 4, 1)),  # a serial date-time
    (D(2025, 4, 1), D(2025, 4, 1)),
    (dt.datetime(2025, 4, 1, 23, 59), D(2025, 4, 1)),
    ("  01/04/2025  ", D(2025, 4, 1)),
    ("Tuesday, 1 April 2025", D(2025, 4, 1)),  # Excel's long date, saved as CSV
    ("Tue 01/04/2025", D(2025, 4, 1)),
    ("20250401", D(2025, 4, 1)),  # yyyymmdd, as SQL reports write it
    (20250401, D(2025, 4, 1)),
])
def test_accepted_forms(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", float("nan")])
def test_blank_is_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize("value, message", [
    ("31/02/2025", "impossible date"),
    ("29/02/2025", "impossible date"),
    ("00/01/2025", "impossible date"),
    ("12/13/2025", "impossible date"),  # month-first spelling is not guessed at
    ("2025-02-30", "impossible date"),
    ("31 Feb 2025", "impossible date"),
    ("2023-Feb-30 00:00:00", "impossible date"),
    ("next Tuesday", "not a date"),
    ("1 Foo 2025", "not a date"),
    ("01/04/1899", "implausible"),
    (True, "not a date"),
    (0, "not a date"),
    ("Monday, 1 April 2025", "1 April 2025 is a Tuesday"),  # which one was meant?
    ("20251301", "impossible date"),
    ("01042025", "not a date"),  # eight digits are only ever yyyymmdd
])
def test_rejected_with_reason(value, message):
    with pytest.raises(DateError, match=message):
        parse_date(value)


def test_leap_day_accepted_in_leap_year():
    assert parse_date("29/02/2024") == D(2024, 2, 29)


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31)))
def test_every_real_date_round_trips_in_each_text_form(day):
    for text in (day.strftime("%d/%m/%Y"), day.isoformat(), day.strftime("%d %b %Y"),
                 day.strftime("%-d %B %Y"), f"{day.isoformat()} 10:15:00",
                 day.strftime("%A, %-d %B %Y"), day.strftime("%a %d/%m/%Y"), day.strftime("%Y%m%d")):
        assert parse_date(text) == day


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31)))
def test_excel_serial_round_trips(day):
    serial = (day - D(1899, 12, 30)).days
    assert parse_date(serial) == day
    assert parse_date(str(serial)) == day


@given(st.text(max_size=30))
def test_any_text_is_a_date_none_or_a_date_error(text):
    try:
        result = parse_date(text)
    except DateError:
        return
    assert result is None or isinstance(result, dt.date)


def test_a_date_written_month_first_is_refused_saying_so():
    """04/30/2025 has no month 30 read day first: the reason says it reads as 30 April month
    first (the load then warns that the column's other dates may be misread)."""
    with pytest.raises(ImpossibleDate, match=r"^impossible date '04/30/2025': read day first it "
                                             r"has no month 30; month first it is 30 April 2025$"):
        parse_date("04/30/2025")
    with pytest.raises(ImpossibleDate, match=r"^impossible date '31/02/2025'$"):
        parse_date("31/02/2025")
