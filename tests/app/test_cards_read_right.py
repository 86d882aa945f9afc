"""What a board reads on the Overview's cards: a withheld figure read whole on its card at 1440 px
(three cards to a row) and at 390 px, with the full wording beside it; and each change coloured by
whether it is better or worse for that metric, as the catalogue says, never by the card's RAG."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app_helpers import FY_PARAMS, TINY_AS_OF, captions, metric_values
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from dashboard.components.cards import NO_CHANGE
from dashboard.components.tables import PHONE_WIDTH, WIDE_WIDTH
from pipelines.chart_style import text_px
from pipelines.metrics import FIGURES
from pipelines.suppression import WHY_WITHHELD

COLUMNS = 3  # the Overview's cards per row (dashboard/views/overview.py)
VALUE_FONT = 36  # px: st.metric's value (2.25rem)
GAP, PADDING, BORDER = 16, 16, 1  # px: between columns, inside a bordered card, its border
CARD_TEXT_PX = min((WIDE_WIDTH - GAP * (COLUMNS - 1)) / COLUMNS, PHONE_WIDTH) - 2 * (PADDING + BORDER)
Color = MetricProto.MetricColor


def test_a_withheld_figure_reads_whole_on_its_card_with_the_full_wording_beside_it(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    # The tiny exports: 3 advice requests due (2 in time) and 6 plans, 5 within 20 weeks.
    at = run_app(db=tiny_db, role="board", **FY_PARAMS, as_of=TINY_AS_OF.isoformat())
    shown = metric_values(at)
    assert shown["Health advice within 6 weeks"] == "Withheld"
    for label, value in shown.items():
        assert text_px(value, VALUE_FONT) <= CARD_TEXT_PX, (label, value)
    withheld = sum(value == "Withheld" for value in shown.values())
    assert withheld >= 2
    # The full wording under each, as the board pack page gives it.
    why = f"Withheld: {WHY_WITHHELD}."
    assert why == "Withheld: a count under 5 would be shown or could be worked out."
    assert captions(at).count(why) == withheld


def test_each_change_is_coloured_by_whether_it_is_better_for_that_metric(
        run_app: Callable[..., AppTest]) -> None:
    # In the samples' default view the share decided within 6 weeks, green against its target,
    # fell by 0.1 points, and the share of advice in time, amber, rose: a fall there is worse,
    # a rise better, whatever the RAG.
    at = run_app()
    direction = {figure.label: figure.direction for figure in FIGURES.values()}
    changes = [m for m in at.metric if m.delta and m.delta != NO_CHANGE]
    assert len(changes) >= 10
    for m in changes:
        rose = m.proto.direction == MetricProto.MetricDirection.UP
        better = {"up": rose, "down": not rose}.get(direction[m.label])
        expected = Color.GRAY if better is None else Color.GREEN if better else Color.RED
        assert m.proto.color == expected, (m.label, m.delta, Color.Name(m.proto.color))


def test_a_count_withheld_for_what_it_would_give_away_says_what_and_why(
        run_app: Callable[..., AppTest]) -> None:
    # Twelve months to 30/09/2026 in the samples: 1-4 requests for health advice are not yet due
    # on the as-of date, so the count due (no small number) is withheld, saying why.
    at = run_app(as_of="2026-09-30")
    assert metric_values(at)["Requests for health advice due"] == "Withheld"
    assert [c for c in captions(at) if c.startswith(
        "Withheld, as it would give away the fewer than 5 requests not yet due on the as-of date "
        "(the 6-week rate leaves out those and ")]
