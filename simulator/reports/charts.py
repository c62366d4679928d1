"""Chart geometry for the reports' inline SVG: line charts and heat-map colours, as plain data.

The templates draw what these values say (coordinates already computed), so the SVG stays small,
needs no script and prints. Every line has its own colour and dash pattern, so a chart printed
in black and white still tells its lines apart; the legend repeats both.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# (colour, dash pattern): distinct in colour and in grey print alike.
STYLES = (("#cf222e", ""), ("#0969da", "7 4"), ("#1a7f37", "2 3"), ("#8250df", "9 3 2 3"),
          ("#9a6700", "4 2"), ("#57606a", "1 2"), ("#bf3989", "12 4"), ("#116329", "6 2 1 2"))


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    dash: str
    path: str  # SVG polyline points, "x,y x,y ..." (a None value is left out)
    points: tuple[Point, ...]


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    lines: tuple[Line, ...]
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    legend_columns: int = 4

    @property
    def legend_y(self) -> int:
        return self.bottom + 38

    @property
    def legend_width(self) -> float:
        return (self.right - self.left) / self.legend_columns


def line_chart(series: Sequence[tuple[str, Sequence[int | None]]], x_labels: Sequence[str], *,
               low: int = 0, high: int = 100, width: int = 640, plot_height: int = 110,
               legend_columns: int = 4) -> LineChart:
    """Lines over shared x positions (one per label); values on a fixed `low`..`high` scale, so a
    chart never makes 80 -> 82 look like a leap. Room below the plot holds the axis labels and
    the legend (`legend_columns` to a row: one for long names such as scenario titles)."""
    left, top, right = 44, 12, width - 16
    bottom = top + plot_height
    height = bottom + 26 + 22 * -(-len(series) // legend_columns)
    low = min([low, *(v for _, values in series for v in values if v is not None)])
    high = max([high, *(v for _, values in series for v in values if v is not None)])
    span = (high - low) or 1
    count = max(1, len(x_labels) - 1)
    x_at = lambda i: left + (right - left) * i / count if len(x_labels) > 1 else (left + right) / 2
    y_at = lambda v: bottom - (bottom - top) * (v - low) / span
    lines = []
    for index, (label, values) in enumerate(series):
        colour, dash = STYLES[index % len(STYLES)]
        points = tuple(Point(round(x_at(i), 1), round(y_at(v), 1), v) for i, v in enumerate(values) if v is not None)
        lines.append(Line(label, colour, dash, " ".join(f"{p.x},{p.y}" for p in points), points))
    ticks = tuple((round(y_at(v), 1), str(v)) for v in range(low, high + 1, max(1, span // 4)))
    return LineChart(width, height, left, top, right, bottom, tuple(lines),
                     tuple((round(x_at(i), 1), text) for i, text in enumerate(x_labels)), ticks, legend_columns)


def heat(rate: float | None) -> str:
    """A cell's background for a failure rate: white (never failed) to deep red (always); grey: no chance."""
    if rate is None:
        return "#f6f8fa"
    # From #ffffff towards #cf222e.
    mix = max(0.0, min(1.0, rate))
    red, green, blue = (round(255 + (end - 255) * mix) for end in (0xCF, 0x22, 0x2E))
    return f"#{red:02x}{green:02x}{blue:02x}"


def heat_ink(rate: float | None) -> str:
    """Text colour readable on `heat(rate)`."""
    return "#ffffff" if rate is not None and rate >= 0.55 else "#1f2328"
