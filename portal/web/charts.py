"""Bar charts as plain geometry for server-rendered SVG (templates/web/_bar_chart.html): no JS library."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 276
LEFT = 48  # room for the value axis labels
BOTTOM = 44  # room for two lines of category labels
TOP = 12


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass
class BarChart:
    title: str
    description: str
    bars: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    ticks: list[Label] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT

    @property
    def empty(self) -> bool:
        return not self.bars


def nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 × a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover (the loop always returns)


def stacked_bars(
    title: str, categories: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], description: str = ""
) -> BarChart:
    """Bars stacked bottom-up: ``series`` is (name, css class, one value per category)."""
    chart = BarChart(title=title, description=description)
    totals = [sum(values[i] for _, _, values in series) for i in range(len(categories))]
    if not categories or not any(totals):
        return chart
    top = nice_max(max(totals))
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / len(categories)
    bar_width = max(4.0, min(80.0, slot * 0.7))
    for i, category in enumerate(categories):
        x = LEFT + i * slot + (slot - bar_width) / 2
        y = float(HEIGHT - BOTTOM)
        for name, css, values in series:
            h = values[i] / top * plot_height
            if values[i]:
                y -= h
                chart.bars.append(Rect(round(x, 1), round(y, 1), round(bar_width, 1), round(h, 1), css,
                                       f"{category.replace(chr(10), ' ')}: {values[i]} {name}"))
        # A category may name itself on two lines ("Jan\n2027"): narrow bars keep their labels apart.
        for line_number, line in enumerate(category.split("\n")[:2]):
            chart.labels.append(Label(round(x + bar_width / 2, 1), HEIGHT - BOTTOM + 20 + 17 * line_number, line[:14]))
    for fraction in (0, 0.5, 1):
        value = top * fraction
        text = f"{value:g}" if value == int(value) else f"{value:.1f}"
        chart.ticks.append(Label(LEFT - 6, round(HEIGHT - BOTTOM - fraction * plot_height + 4, 1), text))
    return chart
