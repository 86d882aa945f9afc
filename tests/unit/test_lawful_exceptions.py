"""Only lawful reasons are exceptions: reg 8(2) for health advice, reg 10(4) for plans. Wording
variants of a lawful reason match; a reason that may or may not be lawful does not, unless the
area maps it in settings.toml."""

import pytest

from pipelines import config
from pipelines.validate import PARSERS
from pipelines.vocab import ABSENT, CLOSURE, MISSED, PERSONAL, lawful_exception


@pytest.mark.parametrize("text, kind, expected", [
    ("absent from the area", "plan", ABSENT),
    ("away from area for a month", "plan", ABSENT),
    ("Family away from the area for 5 weeks", "advice", ABSENT),
    ("Out of county", "advice", ABSENT),
    ("school holidays", "plan", CLOSURE),
    ("school closed for the summer", "plan", CLOSURE),
    ("Setting closed 4+ weeks", "plan", CLOSURE),
    ("Summer closure", "plan", CLOSURE),
    ("Exceptional personal circumstances", "advice", PERSONAL),
    ("exceptional family circumstances", "plan", PERSONAL),
    ("Did not attend", "advice", MISSED),
    ("Family did not attend", "advice", MISSED),
    ("Child was not brought to appointment", "advice", MISSED),
    ("DNA x2", "advice", MISSED),
])
def test_wording_variants_of_a_lawful_reason_match(text, kind, expected):
    assert lawful_exception(text, kind) == expected


@pytest.mark.parametrize("text, kind", [
    ("Holiday", "plan"), ("Holiday", "advice"), ("Illness", "advice"), ("Illness", "plan"),
    ("Family circumstances", "advice"), ("Family circumstances", "plan"),
    ("Staff sickness", "advice"), ("Waiting list", "advice"), ("Bereavement", "advice"),
    # School holidays are not an exception for health advice (reg 8(2) has no closure reason).
    ("School holidays", "advice"), ("school closed for the summer", "advice"),
    # A missed appointment is a reg 8(2) reason only, not reg 10(4).
    ("Did not attend", "plan"),
    ("Awaiting clinic appointment", "advice"),
])
def test_doubtful_or_unlawful_reasons_are_not_exceptions(text, kind):
    assert lawful_exception(text, kind) is None


@pytest.mark.parametrize("text, kind", [
    # Negated: the words of a lawful reason, said not to apply.
    ("No exceptional personal circumstances", "advice"), ("No exceptional circumstances", "plan"),
    ("Not away from area - service delay", "advice"),
    ("Appointment cancelled by clinic (not a DNA)", "advice"),
    # In doubt.
    ("Exceptional circumstances? TBC", "advice"), ("Possibly away from area", "plan"),
    # The service, not the family, missed or cancelled the appointment.
    ("Clinician DNA'd", "advice"), ("Therapist off sick - appointment missed", "advice"),
    # A stated length, or a closure, under the 4 weeks the law asks.
    ("Away from area for 2 weeks", "advice"), ("Out of county for 10 days", "plan"),
    ("School closed 2 days (snow)", "plan"), ("School closed for Christmas", "plan"),
    ("Half term break - school closed", "plan"), ("Easter holidays", "plan"),
])
def test_a_lawful_reasons_words_that_say_it_does_not_apply_are_no_exception(text, kind):
    """Such a reason counts as late (and its load says so): never a row left out of the
    headline on the strength of words that deny or fall short of the exception."""
    assert lawful_exception(text, kind) is None


@pytest.mark.parametrize("text, kind, expected", [
    ("Family away from area 6 weeks (in Pakistan)", "advice", ABSENT),
    ("Absent from area 4 weeks", "advice", ABSENT),
    ("Setting closure - summer holidays", "plan", CLOSURE),
    ("Exceptional circumstances - child not well enough to attend", "advice", PERSONAL),
    ("Exceptional personal circumstances - parent not able to attend", "advice", PERSONAL),
    ("Could not attend - exceptional circumstances", "advice", MISSED),
    ("Child could not attend appointment", "advice", MISSED),
    ("Mum in hospital - exceptional personal circumstances", "plan", PERSONAL),
    ("Parent DNA appointment twice", "advice", MISSED), ("no show", "advice", MISSED),
])
def test_a_lawful_reason_with_a_negation_or_a_length_of_its_own_still_matches(text, kind,
                                                                              expected):
    assert lawful_exception(text, kind) == expected


def test_the_area_may_map_its_own_spelling_to_a_lawful_reason():
    local = {"illness": PERSONAL}
    assert lawful_exception("Illness", "advice", local) == PERSONAL
    assert lawful_exception("Staff sickness", "advice", local) is None


def test_the_parser_keeps_the_text_as_recorded_beside_the_lawful_reason():
    assert PARSERS["advice_exception"]("Holiday") == (None, "Holiday")
    assert PARSERS["plan_exception"]("away from area for a month") == (ABSENT, "away from area for a month")
    # A bare yes: the DfE's Week20 flag counts for plans, never for advice (reg 8(2) needs a reason).
    assert PARSERS["plan_exception"]("Y")[0] == "exception (unspecified)"
    assert PARSERS["advice_exception"]("Y")[0] is None


def test_the_bundled_settings_map_the_sample_providers_spelling():
    assert config.load_settings().local_exceptions("advice") == {"familycircumstances": PERSONAL}


def test_a_mapping_to_a_reason_that_is_not_lawful_is_refused(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[exceptions.advice]\n"Holiday" = "school or setting closure 4+ weeks"\n')
    with pytest.raises(ValueError, match="not a lawful reason"):
        config.load_settings(str(path))
