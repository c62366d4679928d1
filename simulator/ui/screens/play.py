"""Playing one scenario: transcript, meters, reply box (or options), feedback, hint and rewind.

Every engine step (answering, choosing, rewinding, rendering the next line, replaying on reloaded
content) and every write to the record keeper runs in a worker thread; the result comes back as a
`PlayScreen.Advanced` message, so scoring never blocks the event loop. For authors: the preview
panel (F2, the `AuthorTools` widget) and, with `--watch`, reloads and the diagnostics panel.

Attributes down: the app gives the screen its scenario, rubric, record keeper and trainee, and
sends saved content to `reload` / `show_problems`. Messages up: `Ended` (the debrief is wanted),
`AuthorTools.Toggled` (from the widget, bubbling through).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..plain import Plain, notify_plain
from ..records import SessionRecorder
from ..widgets.author_tools import AuthorTools
from ..widgets.diagnostics import DiagnosticsPanel
from ..widgets.feedback import FeedbackPanel
from ..widgets.meters import MeterPanel
from ..widgets.reply_input import ReplyInput
from ..widgets.transcript import Transcript
from .dialogs import ConfirmDialog, RewindDialog, TurnChoice
from .play_view import MODE_LABELS, hint_for, readings, transcript_lines

if TYPE_CHECKING:
    from ...engine.content.model import Rubric, Scenario
    from ...engine.play.session import Mode, Session, TurnResult
    from ..records import Records

Step = Callable[["Session"], "Session | tuple[Session, str]"]  # a new session, and maybe a note about it


class PlayScreen(Screen[None]):
    """One conversation with a scripted petitioner, in practice, exam or beginner (choice) mode."""

    DEFAULT_CSS = """
    PlayScreen { layout: vertical; }
    PlayScreen #status { height: 1; padding: 0 1; background: $panel; color: $text; }
    PlayScreen #body { height: 1fr; }
    PlayScreen #main { width: 1fr; }
    PlayScreen #preview { height: 45%; min-height: 8; }
    PlayScreen #side { width: 40%; min-width: 34; max-width: 56; border-left: vkey $border-blurred; }
    PlayScreen #persona { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    PlayScreen #exam-note { padding: 1; color: $text-muted; }
    PlayScreen #choices { height: auto; max-height: 9; border: tall $border-blurred; }
    PlayScreen #choices:focus { border: tall $border; }
    PlayScreen #finish { width: 100%; height: 3; }
    PlayScreen .-hidden { display: none; }
    """

    BINDINGS = [
        Binding("ctrl+t", "hint", "提示", id="play.hint",
                tooltip="显示本轮的要点、期望做到的评分项和示范说法（会记入记录）"),
        Binding("ctrl+r", "rewind", "回退", id="play.rewind", tooltip="回到之前的某一轮重新回答，新旧得分并排对比"),
        Binding("ctrl+g", "debrief", "总结", id="play.debrief", tooltip="对话结束后查看本次演练的总结"),
        Binding("escape", "leave", "返回", id="play.leave", tooltip="返回首页（对话未结束时先确认）"),
        Binding("f2", "toggle_preview", "作者预览", id="play.preview", show=False,
                tooltip="开关作者预览：当前节点、状态值、本轮评分项和各分支条件的判断"
                        "（--watch 时默认打开；考试模式不可用）"),
    ]

    busy: reactive[bool] = reactive(False)
    """True while the engine works on a step; typing goes on, sending waits."""

    class Advanced(Message):
        """The engine finished a step: the new session and the petitioner's current line."""

        def __init__(self, session: Session, prompt: str, kind: str, replaced: TurnResult | None,
                     note: str = "") -> None:
            super().__init__()
            self.session, self.prompt, self.kind, self.replaced = session, prompt, kind, replaced
            self.note = note  # what a reload kept

    class Failed(Message):
        """The engine refused a step (a reply too long, a broken scenario); the text says why."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Ended(Message):
        """The trainee asked for the debrief of a finished session."""

        def __init__(self, session: Session) -> None:
            super().__init__()
            self.session = session

    def __init__(self, scenario: Scenario, rubric: Rubric, mode: Mode = "practice", trainee: str = "", *,
                 records: Records, resume: Session | None = None, record_id: int | None = None,
                 preview: bool = False, watched: bool = False) -> None:
        """`records` keeps every step; `resume` continues a restored session (in its own mode) under
        the record `record_id`; `preview` opens the author's preview; `watched` means the app
        sends this screen reloads."""
        from ...engine.play.session import Session

        super().__init__()
        self.session: Session = resume or Session.start(scenario, rubric, mode)
        self.mode = self.session.mode
        self.trainee = trainee
        self.prompt = ""
        self.recorder = SessionRecorder(records, trainee, record_id)
        self.replaced: TurnResult | None = None
        self.watched = watched
        self._pending_reload: tuple[Scenario, Rubric] | None = None
        self._preview = preview and self.mode != "exam"

    @property
    def record_id(self) -> int | None:
        """The record this conversation is kept under (None until its first answer)."""
        return self.recorder.record_id

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        scenario = self.session.scenario
        yield Static(id="status")
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield Transcript(id="transcript")
                yield AuthorTools(self.session, self._preview, id="preview")
            with Vertical(id="side"):
                persona = scenario.persona
                yield Static(Plain(f"{persona.name}：{persona.background}"), id="persona")
                yield MeterPanel(readings(self.session), id="meters")
                if self.mode == "exam":
                    yield Static("考试模式：不提示、不回退，全部反馈在结束后的总结里。", id="exam-note")
                else:
                    yield FeedbackPanel(id="feedback")
        yield DiagnosticsPanel(id="problems")
        yield ReplyInput(id="reply", placeholder="输入回复，Enter 发送，ctrl+j 换行")
        yield OptionList(id="choices", classes="-hidden")
        yield Button("查看总结（Enter）", id="finish", variant="primary", classes="-hidden")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ReplyInput).highlight_cursor_line = False
        self._update_status()
        # Focus the reply box (or the options) now, not after the first line renders: a trainee
        # who starts typing at once must not lose the keys.
        self._update_inputs()
        self._step(lambda session: session, "start")

    # ------------------------------------------------------------ engine steps (worker thread)

    @work(thread=True, group="engine", exit_on_error=False)
    def _run(self, step: Step, kind: str, session: Session | None = None,
             replaced: TurnResult | None = None) -> None:
        from ...engine.play.scoring import ReplyTooLong
        from ...engine.play.session import ScenarioError

        try:
            outcome = step(session or self.session)
            new, note = outcome if isinstance(outcome, tuple) else (outcome, "")
            prompt = new.prompt if (not new.finished or new.current.say) else ""
        except (ReplyTooLong, ScenarioError) as error:
            self.post_message(self.Failed(str(error)))
            return
        # A reload changes what the turns scored, not what the trainee did: it is not recorded.
        # (The record keeper locks itself: writing from this worker thread is safe.)
        warning = self.recorder.save(new) if kind not in ("start", "reload") else ""
        if warning:
            self.app.call_from_thread(notify_plain, self, warning, severity="warning")
        self.post_message(self.Advanced(new, prompt, kind, replaced, note))

    def _step(self, step: Step, kind: str, replaced: TurnResult | None = None) -> None:
        if self.busy:
            return
        self.busy = True
        self._run(step, kind, self.session, replaced)

    # ------------------------------------------------------------ results (event loop)

    @on(Advanced)
    def _advanced(self, message: Advanced) -> None:
        self.busy = False
        dropped = len(self.session.history) - len(message.session.history)
        self.session, self.prompt = message.session, message.prompt
        last = self.session.last
        answered = message.kind in ("answer", "choose")
        changes = last.changes if (answered and last) else ()
        self.query_one(Transcript).lines = transcript_lines(self.session, self.prompt, self.mode)
        if message.kind == "reload":
            self._after_reload(message.note, max(0, dropped))
        else:
            self.query_one(MeterPanel).show(readings(self.session, changes), reasons=self.mode != "exam")
        if self.mode != "exam" and message.kind != "reload":
            panel = self.query_one(FeedbackPanel)
            if message.kind == "rewind":
                self.replaced = message.replaced
                panel.result, panel.hint, panel.note = None, None, ""
                notify_plain(self, f"已回到第 {self.session.turn} 轮，请重新回答。")
            elif answered and last is not None:
                panel.hint = None
                panel.replaced = self.replaced if self.replaced and self.replaced.turn == last.turn else None
                panel.note = self._option_note(last)
                panel.result = last
                panel.scroll_home(animate=False)
                self.replaced = None
        self._update_inputs()
        self._update_status()
        self.query_one(AuthorTools).session = self.session
        self.refresh_bindings()
        self._next_reload()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.busy = False
        notify_plain(self, message.text, severity="error", timeout=6)
        self._update_inputs()
        self._next_reload()

    def _option_note(self, result: TurnResult) -> str:
        if result.choice is None:
            return ""
        options = self.session.scenario.nodes[result.node].options
        return options[result.choice].note if result.choice < len(options) else ""

    def _update_status(self) -> None:
        session = self.session
        turn = "已结束" if session.finished else f"第 {session.turn} 轮"
        who = f" · 学员 {self.trainee}" if self.trainee else ""
        text = f"{session.scenario.title} · {MODE_LABELS.get(self.mode, self.mode)} · {turn}{who}"
        self.query_one("#status", Static).update(Plain(text))

    def _update_inputs(self) -> None:
        """Show the reply box, the options, or the debrief button, as the moment requires."""
        finished = self.session.finished
        options = self.session.current.options if not finished else ()
        use_choices = self.mode == "choice" and bool(options)
        reply = self.query_one(ReplyInput)
        choices = self.query_one("#choices", OptionList)
        finish = self.query_one("#finish", Button)
        reply.set_class(finished or use_choices, "-hidden")
        choices.set_class(finished or not use_choices, "-hidden")
        finish.set_class(not finished, "-hidden")
        if use_choices:
            choices.clear_options()
            choices.add_options([Option(Plain(f"{i + 1}. {o.text}"), id=f"option-{i}")
                                 for i, o in enumerate(options)])
            choices.highlighted = 0
            choices.focus()
        elif finished:
            finish.focus()
        else:
            reply.focus()

    # ------------------------------------------------------------ the trainee's actions

    @on(ReplyInput.Submitted)
    def _submitted(self, event: ReplyInput.Submitted) -> None:
        if self.session.finished:
            return
        if self.busy:  # keep the text: the trainee can send it once the last reply is scored
            self.notify("正在处理上一步，请稍候再发送。", severity="warning", timeout=2)
            return
        reply = event.text
        event.reply_input.clear()
        self._step(lambda session: session.answer(reply), "answer")

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        index = event.option_index
        self._step(lambda session: session.choose(index), "choose")

    @on(Button.Pressed, "#finish")
    def _finish_pressed(self) -> None:
        self.action_debrief()

    def action_toggle_preview(self) -> None:
        if self.mode != "exam":
            self.query_one(AuthorTools).toggle()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("hint", "rewind", "toggle_preview") and self.mode == "exam":
            return False
        if action == "hint":
            return not self.session.finished
        if action == "rewind":
            return bool(self.session.history)
        if action == "debrief":
            return self.session.finished
        return True

    def action_hint(self) -> None:
        if self.mode == "exam" or self.session.finished or self.busy:
            return
        self.query_one(FeedbackPanel).hint = hint_for(self.session)
        self.query_one(FeedbackPanel).scroll_home(animate=False)
        if not self.session.hint_pending:
            self._step(lambda session: session.use_hint(), "hint")

    def action_rewind(self) -> None:
        if self.mode == "exam" or not self.session.history or self.busy:
            return
        name = self.session.scenario.persona.name
        turns = [TurnChoice(r.turn, r.prompt, r.reply, r.score.total) for r in self.session.history]

        def rewind_to(turn: int | None) -> None:
            if turn is not None and turn <= len(self.session.history):  # a reload may have dropped turns
                replaced = self.session.history[turn - 1]
                self._step(lambda session: session.rewind(turn), "rewind", replaced)

        self.app.push_screen(RewindDialog(turns, name), rewind_to)

    def action_debrief(self) -> None:
        if self.session.finished:
            self.post_message(self.Ended(self.session))

    @property
    def unsaved_work(self) -> bool:
        """True when leaving would abandon an unfinished conversation."""
        return bool(self.session.history) and not self.session.finished

    def action_leave(self) -> None:
        if not self.unsaved_work:
            self.dismiss()
            return

        def leave(yes: bool | None) -> None:
            if yes:
                self.dismiss()

        self.app.push_screen(ConfirmDialog("对话还没有结束，确定返回首页吗？", self.leaving_note, yes="离开",
                                           no="继续演练"), leave)

    @property
    def leaving_note(self) -> str:
        """What leaving now costs, for the confirm dialogs."""
        if self.recorder.saved:
            return "进度已保存：下次打开这个场景时可以选择继续。"
        return "本次演练尚未完成，离开后不会得到总结。"

    # ------------------------------------------------------------ --watch: the app sends saved content

    def reload(self, scenario: Scenario, rubric: Rubric) -> None:
        """New content was saved: clear the diagnostics and replay the conversation on it.

        The replay is an engine step like any other (in the worker), so it queues behind a reply
        being scored instead of racing it; a later save replaces an earlier one still waiting.
        """
        from ..watch import replay

        self.query_one(DiagnosticsPanel).problems = ()
        if self.busy:
            self._pending_reload = (scenario, rubric)
            return
        self._pending_reload = None

        def step(session: Session) -> tuple[Session, str]:
            replayed = replay(session, scenario, rubric)
            return replayed.session, replayed.note

        self._step(step, "reload")

    def queue_reload(self, scenario: Scenario, rubric: Rubric) -> None:
        """Reload once the step under way (or, before mounting, the first line) is done."""
        self._pending_reload = (scenario, rubric)

    def show_problems(self, problems: tuple[str, ...]) -> None:
        """The saved content does not load: say why, and keep playing the last content that did."""
        self.query_one(DiagnosticsPanel).problems = problems

    def _next_reload(self) -> None:
        if self._pending_reload is not None and not self.busy:
            self.reload(*self._pending_reload)

    def _after_reload(self, note: str, dropped: int) -> None:
        """Everything the new content may have changed besides the transcript."""
        session = self.session
        persona = session.scenario.persona
        self.query_one("#persona", Static).update(Plain(f"{persona.name}：{persona.background}"))
        last = session.last
        self.query_one(MeterPanel).reset(readings(session, last.changes if last else ()), reasons=self.mode != "exam")
        if self.mode != "exam":
            panel = self.query_one(FeedbackPanel)
            self.replaced = None
            panel.replaced = None
            panel.hint = hint_for(session) if panel.hint is not None and not session.finished else None
            panel.note = self._option_note(last) if last else ""
            panel.result = last
        notify_plain(self, note, title="重新加载", severity="warning" if dropped else "information",
                    timeout=10 if dropped else 3)
