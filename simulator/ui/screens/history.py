"""Past sessions and per-dimension trends, from the record keeper (or this run's memory).

A trend line follows one trainee on one scenario (the highlighted row's): mixing people, or
scenarios of different difficulty, in one line would show a rise or fall that nobody made.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ..plain import Plain, notify_plain, plain_text
from ..records import Records

ENDING_NAMES = {"resolved": "问题化解", "referred": "引导至正确渠道", "dissatisfied": "不满离开",
                "escalated": "矛盾升级", "crisis": "安全危机"}
MODE_NAMES = {"practice": "练习", "exam": "考试", "choice": "初学"}
PURPOSE_NAMES = {"instructor": "教员试玩", "authoring": "编写预览"}


BLOCKS = "▁▂▃▄▅▆▇█"


def trend_chart(values: list[int]) -> Content:
    """One block per session on a fixed 0-100 scale (a Sparkline rescales to the data, which makes
    100, 100 look like a floor and 80, 82 like a leap)."""
    parts = []
    for value in values:
        level = min(len(BLOCKS) - 1, max(0, value) * len(BLOCKS) // 101)
        style = "$text-success" if value >= 80 else "$text-warning" if value >= 50 else "$text-error"
        parts.append((BLOCKS[level] * 2, style))  # two cells per session: visible, and square-ish
    return Plain.assemble(*parts)


def trend_series(summaries: list[Any]) -> list[tuple[str, str, list[int]]]:
    """(dimension id, label, scores oldest first) for the total and each dimension seen."""
    ordered = list(reversed(summaries))  # the record keepers list newest first
    series: list[tuple[str, str, list[int]]] = [("total", "总分", [s.total for s in ordered if s.total is not None])]
    labels: dict[str, str] = {}
    for summary in ordered:
        for dim_id, label, _ in summary.dimensions:
            labels.setdefault(dim_id, label)
    for dim_id, label in labels.items():
        values = [score for s in ordered for d, _, score in s.dimensions if d == dim_id and score is not None]
        series.append((dim_id, label, values))
    return series


class Trends(Vertical):
    """One trainee's trend on one scenario: a chart per dimension, oldest session first."""

    DEFAULT_CSS = """
    Trends { height: auto; padding: 1 1 0 1; }
    Trends .trend-title { color: $text-muted; }
    Trends .trend { height: 1; }
    Trends .trend-label { width: 12; text-style: bold; }
    Trends .trend-chart { width: 40; }
    Trends .trend-value { width: 20; padding-left: 2; }
    """

    sessions: reactive[tuple[Any, ...]] = reactive((), recompose=True)
    """The summaries of one trainee on one scenario, newest first (as the record keepers list them)."""

    def compose(self) -> ComposeResult:
        if not self.sessions:
            return
        last = self.sessions[0]
        yield Static(Plain(f"趋势：{last.trainee} · {last.scenario_title}（{len(self.sessions)} 次，"
                             "只比较同一学员在同一场景的演练）"), classes="trend-title")
        for dim_id, label, values in trend_series(list(self.sessions)):
            if not values:
                continue
            with Horizontal(classes="trend"):
                yield Static(Plain(label), classes="trend-label")
                # The newest sessions, as many as fit in the chart's 40 cells.
                yield Static(trend_chart(values[-20:]), id=f"trend-{dim_id}", classes="trend-chart")
                change = values[-1] - values[-2] if len(values) > 1 else 0
                arrow = f" {'↑' if change > 0 else '↓'}{abs(change)}" if change else ""
                yield Static(Plain(f"最近 {values[-1]}{arrow}"), classes="trend-value")


class HistoryScreen(Screen[None]):
    """Every recorded session of the trainee (or everyone's), and the trend of the highlighted
    row's trainee on its scenario, per dimension."""

    DEFAULT_CSS = """
    HistoryScreen #history-status { height: 1; padding: 0 1; background: $panel; color: $text; }
    HistoryScreen #sessions { height: 1fr; margin-top: 1; }
    HistoryScreen #no-history { padding: 1 2; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "返回", id="history.back", tooltip="返回上一页"),
        Binding("a", "toggle_everyone", "全部学员", id="history.everyone", tooltip="在本人与全部学员的记录之间切换"),
    ]

    everyone: reactive[bool] = reactive(False, recompose=True)
    """Show every trainee's sessions instead of the current trainee's."""

    def __init__(self, records: Records, trainee: str, trials: bool = False) -> None:
        """`trials`: show instructors' and authors' runs too (an instructor looking at the records)."""
        super().__init__()
        self.records = records
        self.trainee = trainee
        self.trials = trials
        self.summaries: list[Any] = []

    def _summaries(self) -> list[Any]:
        try:
            return list(self.records.history(None if self.everyone else self.trainee, self.trials))
        except Exception as error:
            notify_plain(self, f"记录无法读取：{error}", severity="error")
            return []

    def compose(self) -> ComposeResult:
        summaries = self.summaries = self._summaries()
        who = "全部学员" if self.everyone else f"学员 {self.trainee}"
        trials = "（含教员试玩与编写预览）" if self.trials else ""
        yield Static(Plain(f"历史记录 · {who}{trials} · 共 {len(summaries)} 次"), id="history-status")
        if not summaries:
            yield Static("还没有演练记录。完成一次演练后，这里会显示各维度的变化趋势。", id="no-history")
            yield Footer()
            return
        yield Trends(id="trends")
        yield self._table(summaries)
        yield Footer()

    @on(DataTable.RowHighlighted, "#sessions")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        chosen = next((s for s in self.summaries if str(s.id) == event.row_key.value), None)
        if chosen is not None:
            self.query_one(Trends).sessions = tuple(
                s for s in self.summaries if (s.trainee, s.scenario_id) == (chosen.trainee, chosen.scenario_id))

    def _table(self, summaries: list[Any]) -> DataTable:
        table: DataTable = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        dims: dict[str, str] = {}
        for summary in summaries:
            for dim_id, label, _ in summary.dimensions:
                dims.setdefault(dim_id, label)
        columns = ["时间", *(["学员"] if self.everyone else []), "场景", "模式", "结局", "总分", *dims.values()]
        for column in columns:
            table.add_column(plain_text(column))
        for summary in summaries:
            scores = {d: s for d, _, s in summary.dimensions}
            open_status = "已放弃" if summary.status == "abandoned" else "未完成"
            ending = ENDING_NAMES.get(summary.ending_kind or "") or open_status
            mode = MODE_NAMES.get(summary.mode, summary.mode)
            if summary.purpose in PURPOSE_NAMES:
                mode += f"·{PURPOSE_NAMES[summary.purpose]}"
            row = [local_time(summary.started_at),
                   *([summary.trainee] if self.everyone else []),
                   clip(summary.scenario_title, 20), mode, ending,
                   "—" if summary.total is None else str(summary.total),
                   *("—" if scores.get(d) is None else str(scores[d]) for d in dims)]
            # rich Text, not str: DataTable parses str cells as markup, and titles are authored.
            table.add_row(*(plain_text(cell) for cell in row), key=str(summary.id))
        return table

    def action_toggle_everyone(self) -> None:
        self.everyone = not self.everyone


def local_time(stamp: str) -> str:
    """「2025-03-01 09:30」 in the trainee's time zone (the store keeps UTC)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:16]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def clip(text: str, cells: int) -> str:
    """At most `cells` wide, with an ellipsis when cut."""
    if cell_len(text) <= cells:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > cells - 1:
            break
        out += char
    return out + "…"
