"""Meters for the petitioner's state: anger, trust, escalation risk, or whatever ints a scenario declares."""
from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from ..plain import Plain

# Variables where a rise is bad news (`faults` counts serious faults); everything else rises for the better.
RISING_IS_BAD = ("anger", "risk", "escalation", "anxiety", "fear", "distress", "fault")


@dataclass(frozen=True)
class Reading:
    """One variable's value after a turn, and why it moved (if it did)."""

    variable: str
    label: str
    value: int
    minimum: int
    maximum: int
    delta: int = 0
    reasons: tuple[str, ...] = ()


class Meter(Widget):
    """A labelled bar for one state variable; it glides to each new value and says why it moved."""

    DEFAULT_CSS = """
    Meter {
        height: 2;
        width: 1fr;
    }
    Meter > .meter--label { text-style: bold; }
    Meter > .meter--bar { color: $accent; }
    Meter.-rising-bad > .meter--bar { color: $warning; }
    Meter.-anger > .meter--bar { color: $error; }
    Meter.-trust > .meter--bar { color: $success; }
    Meter > .meter--empty { color: $foreground 25%; }
    Meter > .meter--better { color: $success; text-style: bold; }
    Meter > .meter--worse { color: $error; text-style: bold; }
    Meter > .meter--reason { color: $foreground 70%; }
    """

    COMPONENT_CLASSES = {"meter--label", "meter--bar", "meter--empty", "meter--better", "meter--worse",
                         "meter--reason"}

    value: reactive[float] = reactive(0.0)
    """The value drawn (animated towards the reading's value)."""

    reading: reactive[Reading | None] = reactive(None)
    """The latest reading: target value, change and reasons."""

    show_reasons: reactive[bool] = reactive(True)
    """Whether to say why the value moved (hidden in exam mode)."""

    def __init__(self, reading: Reading, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rising_is_bad = any(word in reading.variable for word in RISING_IS_BAD)
        self.add_class(f"-{reading.variable}" if reading.variable in ("anger", "trust") else "-other")
        self.set_class(self.rising_is_bad, "-rising-bad")
        self.set_reactive(Meter.reading, reading)
        self.set_reactive(Meter.value, float(reading.value))

    def watch_reading(self, reading: Reading | None) -> None:
        if reading is not None:
            self.animate("value", float(reading.value), duration=0.6, easing="out_cubic")

    def render(self) -> Content:
        reading = self.reading
        if reading is None:
            return Plain("")
        width = self.content_size.width or 30
        number = f" {round(self.value):>3}"
        delta = ""
        if reading.delta:
            delta = f" {'▲' if reading.delta > 0 else '▼'}{abs(reading.delta)}"
        label = reading.label
        bar_width = max(4, width - cell_len(label) - 1 - cell_len(number) - 6)
        span = max(1, reading.maximum - reading.minimum)
        filled = round(bar_width * (self.value - reading.minimum) / span)
        filled = max(0, min(bar_width, filled))
        worse = (reading.delta > 0) == self.rising_is_bad
        top = Plain.assemble(
            (label, self.get_visual_style("meter--label")), " ",
            ("█" * filled, self.get_visual_style("meter--bar")),
            ("░" * (bar_width - filled), self.get_visual_style("meter--empty")),
            number,
            (delta, self.get_visual_style("meter--worse" if worse else "meter--better")),
        )
        reason = "；".join(reading.reasons) if self.show_reasons and reading.delta else ""
        bottom = Plain(reason).truncate(width, ellipsis=True).stylize(self.get_visual_style("meter--reason"))
        return Plain("\n").join([top, bottom])


class MeterPanel(Vertical):
    """The petitioner's meters, one per integer state variable."""

    DEFAULT_CSS = """
    MeterPanel {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, readings: tuple[Reading, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = readings
        self._reasons = True

    def compose(self) -> ComposeResult:
        for reading in self._initial:
            meter = Meter(reading, id=f"meter-{reading.variable}")
            meter.set_reactive(Meter.show_reasons, self._reasons)
            yield meter

    def show(self, readings: tuple[Reading, ...], reasons: bool = True) -> None:
        """Move every meter to its new reading."""
        for reading in readings:
            meter = self.query_one(f"#meter-{reading.variable}", Meter)
            meter.show_reasons = reasons
            meter.reading = reading

    def reset(self, readings: tuple[Reading, ...], reasons: bool = True) -> None:
        """Show readings that may name other variables (reloaded content), rebuilding the meters if so."""
        if [m.reading.variable for m in self.query(Meter) if m.reading] == [r.variable for r in readings]:
            self.show(readings, reasons)
            return
        self._initial, self._reasons = readings, reasons
        self.call_later(self.recompose)  # removes the old meters before mounting the new ones (same ids)
