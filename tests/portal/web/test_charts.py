import datetime as dt

import pytest

from portal.web.charts import BOTTOM, HEIGHT, nice_max, stacked_bars
from portal.web.dashboard import month_starts


@pytest.mark.parametrize(("value", "expected"), [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (450, 500), (1001, 2000)])
def test_the_axis_maximum_is_a_round_number_at_or_above_the_largest_bar(value, expected):
    assert nice_max(value) == expected


def test_stacked_bars_sit_on_the_baseline_and_stack_upwards():
    chart = stacked_bars("t", ["North", "South"], [("occupied", "o", [6, 0]), ("vacant", "v", [4, 2])])
    north = [bar for bar in chart.bars if bar.title.startswith("North")]
    assert [b.css for b in north] == ["o", "v"]
    assert north[0].y + north[0].height == HEIGHT - BOTTOM
    assert north[1].y + north[1].height == pytest.approx(north[0].y)
    assert [label.text for label in chart.labels] == ["North", "South"]
    assert [t.text for t in chart.ticks] == ["0", "5", "10"]


def test_a_chart_with_nothing_to_plot_is_empty():
    assert stacked_bars("t", ["A"], [("x", "x", [0])]).empty
    assert stacked_bars("t", [], []).empty


def test_the_twelve_months_ahead_roll_over_the_year():
    months = month_starts(dt.date(2026, 11, 23))
    assert months[0] == dt.date(2026, 11, 1)
    assert months[2] == dt.date(2027, 1, 1)
    assert months[-1] == dt.date(2027, 10, 1)
