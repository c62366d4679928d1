"""The debrief: the ending and what it means, scores by dimension, every turn beside the model answer,
the strongest and weakest criteria, and what moved the petitioner and when.

Attributes down: the app gives the session, the trainee, where reports go and the clock (for
the exported files' names). Messages up: `PlayAgain`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..plain import Plain, notify_plain
from ..widgets.feedback import citation_lines, highlighted_reply, quoted, score_bar
from .debrief_view import model_answer, moves, strongest, weakest
from .play_view import MODE_LABELS

if TYPE_CHECKING:
    from ...engine.play.session import Session
    from ..records import Records


class DebriefScreen(Screen[None]):
    """What happened in a finished session and what to practise next."""

    DEFAULT_CSS = """
    DebriefScreen #debrief-status { height: 1; padding: 0 1; background: $panel; color: $text; }
    DebriefScreen #report { height: 1fr; padding: 0 1; }
    DebriefScreen .card { width: 1fr; height: auto; margin-bottom: 1; }
    DebriefScreen #ending { border: round $warning; padding: 0 1; }
    DebriefScreen #ending.-good { border: round $success; }
    DebriefScreen .turn-head { margin-top: 1; text-style: bold; }
    DebriefScreen .pair { height: auto; }
    DebriefScreen .pair > Static { width: 1fr; height: auto; border: round $border-blurred; padding: 0 1; }
    DebriefScreen .pair > .model { border: round $success 60%; }
    """

    BINDINGS = [
        Binding("escape", "app.home", "返回首页", id="debrief.home", tooltip="回到场景列表"),
        Binding("r", "again", "再练一次", id="debrief.again", tooltip="以同样的模式从头再练这个场景"),
        Binding("h", "app.history", "历史", id="debrief.history", tooltip="查看历次演练与趋势"),
        Binding("e", "export", "导出报告", id="debrief.export",
                tooltip="把这次总结写成 HTML 与 Markdown 报告文件"
                        "（存到数据目录的 reports/ 下，没有数据目录时存到当前目录）"),
    ]

    class PlayAgain(Message):
        """The trainee wants the same scenario again, from the start, in the same mode."""

        def __init__(self, session: Session) -> None:
            super().__init__()
            self.session = session

    def __init__(self, session: Session, trainee: str = "", reports_dir: Path | None = None,
                 clock: Callable[[], datetime] = datetime.now, *, records: Records | None = None,
                 record_id: int | None = None) -> None:
        """`reports_dir` is where `e` writes the reports (None: the current directory); the export
        reads the session's record `record_id` from `records` (its date, number, rewinds), and
        falls back to the live session when it was not saved."""
        super().__init__()
        self.session = session
        self.trainee = trainee
        self.reports_dir = reports_dir
        self.clock = clock
        self.records = records
        self.record_id = record_id

    def compose(self) -> ComposeResult:
        from ...engine.content.model import ENDING_LABELS, GOOD_ENDINGS

        session = self.session
        scenario = session.scenario
        yield Static(Plain(f"总结 · {scenario.title} · {MODE_LABELS.get(session.mode, session.mode)}"),
                     id="debrief-status")
        with VerticalScroll(id="report"):
            ending = session.ending
            if ending is not None:
                lines = [Plain.assemble(("结局：", "bold"), (ending.title, "bold"),
                                          f"（{ENDING_LABELS[ending.kind]}）")]
                if ending.summary:
                    lines.append(Plain(ending.summary))
                if session.current.say:
                    lines.append(Plain.assemble((f"{scenario.persona.name}：", "bold"), self._closing_line()))
                card = Static(Plain("\n").join(lines), id="ending", classes="card")
                card.set_class(ending.kind in GOOD_ENDINGS, "-good")
                yield card
            yield Static(self._score_text(), id="scores", classes="card")
            yield Static("逐轮回顾：你的回复与示范回答", classes="section-title")
            for result in session.history:
                head = Plain.assemble(f"第 {result.turn} 轮  ", (f"{scenario.persona.name}：", "bold"),
                                        result.prompt)
                yield Static(head, classes="turn-head")
                with Horizontal(classes="pair"):
                    mine = Plain.assemble(("你的回复", "bold"), f"  {result.score.total} 分",
                                            ("（用了提示）" if result.hint_used else "", "$text-muted"),
                                            "\n", highlighted_reply(result.reply, result.score))
                    yield Static(mine, classes="mine")
                    yield Static(Plain.assemble(("示范回答", "bold $text-success"), "\n",
                                                  model_answer(session, result)), classes="model")
            yield Static("做得好", classes="section-title")
            yield Static(self._strong_text(), id="strong", classes="card")
            yield Static("需改进", classes="section-title")
            yield Static(self._weak_text(), id="weak", classes="card")
            yield Static("是什么让来访人变化", classes="section-title")
            yield Static(self._moves_text(), id="moves", classes="card")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#report").focus()

    def _closing_line(self) -> str:
        try:
            return self.session.prompt
        except Exception:  # an authored template that fails at the ending still leaves a debrief
            return ""

    def _score_text(self) -> Content:
        session = self.session
        total = session.total()
        shown = str(total) if total is not None else "—"
        lines = [Plain.assemble(("本次总分 ", "bold"), (shown, "bold $text-accent")),
                 Plain.styled(session.score().explanation, "$text-muted")]
        labels = {k: d.label for k, d in session.rubric.dimensions.items()}
        lines += [score_bar(labels[k], v, width=20, missing="这次未考察")
                  for k, v in session.dimension_scores().items()]
        return Plain("\n").join(lines)

    def _strong_text(self) -> Content:
        found = strongest(self.session)
        if not found:
            return Plain.styled("这次没有做到任何加分项。先从倾听开始：回应情绪、请对方慢慢说。", "$text-muted")
        return Plain("\n").join(
            Plain.assemble((f"✓{t.label}", "bold $text-success"), f"×{t.fired}：", quoted(tuple(t.words[:3])))
            for t in found)

    def _weak_text(self) -> Content:
        found = weakest(self.session)
        if not found:
            return Plain.styled("没有扣分项，也没有漏掉本轮期望的要点。", "$text-muted")
        lines: list[Content] = []
        for tally in found:
            if tally.kind == "fault":
                lines.append(Plain.assemble((f"✗{tally.label}", "bold $text-error"), f"×{tally.fired}：",
                                              quoted(tuple(tally.words[:3]))))
            else:
                lines.append(Plain.assemble((f"○{tally.label}", "bold $text-warning"), f"：漏了 {tally.missed} 次"))
            if tally.message:
                lines.append(Plain.assemble("  ", tally.message))
            if tally.example:
                lines.append(Plain.assemble(("  示范：", "bold"), tally.example))
            if tally.source_ref:
                lines.append(Plain.styled(f"  依据：{tally.source_ref}", "$text-muted"))
            lines += citation_lines(tuple(tally.citations[:2]))
        return Plain("\n").join(lines)

    def _moves_text(self) -> Content:
        found = moves(self.session)
        if not found:
            return Plain.styled("来访人的状态没有变化。", "$text-muted")
        lines = [Plain.assemble((f"第 {m.turn} 轮  ", "bold"), m.reason,
                                  ("" if isinstance(m.after, bool) else f"（{m.before} → {m.after}）", "$text-muted"))
                 for m in found]
        state = self.session.scenario.state
        final = "，".join(f"{state[k].label} {v}" for k, v in self.session.state if state[k].type == "int")
        lines.append(Plain.assemble(("最终：", "bold"), final))
        return Plain("\n").join(lines)

    def action_again(self) -> None:
        self.post_message(self.PlayAgain(self.session))

    def action_export(self) -> None:
        self._export()

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self) -> None:
        """Render and write the reports (Jinja2, file writes: off the event loop); say where they went."""
        from ..export import export_session

        app = self.app
        try:
            record = None
            if self.records is not None and self.record_id is not None:
                record = self.records.record(self.record_id)
            done = export_session(record or self.session, self.trainee, self.reports_dir, self.clock())
        except Exception as error:  # a full disk or an unwritable directory: say so, keep the debrief
            app.call_from_thread(notify_plain, self, f"报告导出失败：{error}", title="导出报告", severity="error",
                                 timeout=8)
            return
        lines = [f"{done.fallback}，已改存到当前目录。"] if done.fallback else []
        lines += ["报告已保存：", *(str(path) for path in done.paths)]
        app.call_from_thread(notify_plain, self, "\n".join(lines), title="导出报告",
                             severity="warning" if done.fallback else "information", timeout=10)
