"""Playing one scenario: transcript, meters, reply box (or options), feedback, hint and rewind.

Every engine step (answering, choosing, rewinding, rendering the next line, replaying on reloaded
content) and every write to the record keeper runs in a worker thread; the result comes back as a
`PlayScreen.Advanced` message, so scoring never blocks the event loop. For authors: the preview
panel (F2, the `AuthorTools` widget) and, with `--watch`, reloads and the diagnostics panel.

A reply is never swallowed: the panes scroll by wheel and by keys bound here (PgUp/PgDn the
feedback, ctrl+↑/↓ the conversation) without leaving the reply box; if a pane does take the focus
(Tab, a click), the status line says so and typing or Enter goes back to the reply box; a reply
the engine refuses (too long) goes back into the box.

Attributes down: the app gives the screen its scenario, rubric, record keeper and trainee, and
sends saved content to `reload` / `show_problems`. Messages up: `Ended` (the debrief is wanted),
`AuthorTools.Toggled` (from the widget, bubbling through).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Footer, Static

from ..plain import Plain, notify_plain
from ..records import SessionRecorder
from ..widgets.author_tools import AuthorTools
from ..widgets.choices import ChoiceList
from ..widgets.diagnostics import DiagnosticsPanel
from ..widgets.feedback import FeedbackPanel
from ..widgets.meters import MeterPanel
from ..widgets.reply_input import ReplyInput
from ..widgets.transcript import Transcript
from .dialogs import ConfirmDialog, RewindDialog, TurnChoice
from .play_view import MODE_LABELS, PURPOSE_NOTES, hint_for, persona_brief, readings, transcript_lines
from .play_watch import WatchedPlay

if TYPE_CHECKING:
    from ...engine.content.model import Rubric, Scenario
    from ...engine.play.session import Mode, Session, TurnResult
    from ..records import Records

Step = Callable[["Session"], "Session | tuple[Session, str]"]  # a new session, and maybe a note about it


class PlayScreen(WatchedPlay):
    """One conversation with a scripted petitioner, in practice, exam or beginner (choice) mode."""

    DEFAULT_CSS = """
    PlayScreen { layout: vertical; }
    PlayScreen #status { height: 1; padding: 0 1; background: $panel; color: $text; }
    PlayScreen #body { height: 1fr; }
    PlayScreen #main { width: 1fr; }
    PlayScreen #preview { height: 45%; min-height: 8; }
    PlayScreen #side { width: 40%; min-width: 34; max-width: 56; border-left: vkey $border-blurred; }
    PlayScreen #persona { height: auto; padding: 0 1; color: $text-muted; }
    PlayScreen #exam-note { padding: 1; color: $text-muted; }
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
                        "（--watch 时默认打开；考试模式不可用；打开后本次演练记为编写预览）"),
        # priority: the reply box binds these keys to move its cursor; here they scroll the panes.
        Binding("pageup", "scroll_pane('feedback', -1)", "反馈上翻", id="play.feedback_up", show=False, priority=True,
                key_display="PgUp", tooltip="向上翻看反馈（不离开回复框；鼠标滚轮也可以）"),
        Binding("pagedown", "scroll_pane('feedback', 1)", "反馈下翻", id="play.feedback_down", show=False,
                priority=True, key_display="PgDn", tooltip="向下翻看反馈"),
        Binding("ctrl+up", "scroll_pane('transcript', -1)", "对话上翻", id="play.transcript_up", show=False,
                priority=True, tooltip="向上翻看对话记录（不离开回复框）"),
        Binding("ctrl+down", "scroll_pane('transcript', 1)", "对话下翻", id="play.transcript_down", show=False,
                priority=True, tooltip="向下翻看对话记录"),
        Binding("1", "pick(1)", "选择", id="play.pick", key_display="1–9",
                tooltip="初学模式：按数字选第几个回复选项（选项每次演练顺序不同）"),
        *(Binding(str(n), f"pick({n})", f"选第{n}项", id=f"play.pick{n}", show=False, system=True,
                  tooltip=f"初学模式：选第 {n} 个回复选项") for n in range(2, 10)),
    ]

    class Advanced(Message):
        """The engine finished a step: the new session and the petitioner's current line."""

        def __init__(self, session: Session, prompt: str, kind: str, replaced: TurnResult | None,
                     note: str = "") -> None:
            super().__init__()
            self.session, self.prompt, self.kind, self.replaced = session, prompt, kind, replaced
            self.note = note  # what a reload kept

    class Failed(Message):
        """The engine refused a step (a reply too long, a broken scenario); the text says why."""

        def __init__(self, text: str, kind: str = "") -> None:
            super().__init__()
            self.text = text
            self.kind = kind

    class Ended(Message):
        """The trainee asked for the debrief of a finished session (kept under `record_id`, if saved)."""

        def __init__(self, session: Session, record_id: int | None = None) -> None:
            super().__init__()
            self.session = session
            self.record_id = record_id

    def __init__(self, scenario: Scenario, rubric: Rubric, mode: Mode = "practice", trainee: str = "", *,
                 records: Records, resume: Session | None = None, record_id: int | None = None,
                 preview: bool = False, watched: bool = False, purpose: str = "training", seed: int = 0) -> None:
        """`records` keeps every step; `resume` continues a restored session (in its own mode) under
        the record `record_id`; `preview` opens the author's preview; `watched` means the app
        sends this screen reloads; `purpose` says whom the session is for; `seed` orders the
        beginner-mode options of a new session."""
        from ...engine.play.session import Session

        super().__init__()
        self.session: Session = resume or Session.start(scenario, rubric, mode, seed=seed)
        self.mode = self.session.mode
        self.trainee = trainee
        self.prompt = ""
        self._preview = preview and self.mode != "exam"
        # An author's preview shows how the scenario decides: such a run is not a trainee's practice.
        self.recorder = SessionRecorder(records, trainee, record_id, "authoring" if self._preview else purpose)
        self.replaced: TurnResult | None = None
        self.watched = watched
        self._pending_reload: tuple[Scenario, Rubric] | None = None
        self._sent = ""  # the reply being scored, put back in the box if the engine refuses it

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
                yield Static(Plain(persona_brief(scenario.persona)), id="persona")
                yield MeterPanel(readings(self.session), id="meters")
                if self.mode == "exam":
                    yield Static("考试模式：不提示、不回退，全部反馈在结束后的总结里。", id="exam-note")
                else:
                    yield FeedbackPanel(id="feedback")
        yield DiagnosticsPanel(id="problems")
        yield ReplyInput(id="reply", placeholder="输入回复，Enter 发送，ctrl+j 换行；PgUp/PgDn 翻看反馈")
        yield ChoiceList(id="choices", classes="-hidden")
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
            self.post_message(self.Failed(str(error), kind))
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
        if message.kind == "answer":
            self._sent = ""
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
        reply = self.query_one(ReplyInput)
        if message.kind == "answer" and self._sent:
            # Back into the box, before anything typed meanwhile: the trainee edits it and sends again.
            typed = reply.text
            reply.text = self._sent + ("\n" + typed if typed.strip() else "")
            reply.move_cursor(reply.document.end)
            self._sent = ""
            notify_plain(self, f"{message.text}。回复已放回输入框，改短后再发送。", severity="error", timeout=8)
        else:
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
        purpose = PURPOSE_NOTES.get(self.recorder.purpose, "")
        text = f"{session.scenario.title} · {MODE_LABELS.get(self.mode, self.mode)} · {turn}{who}{purpose}"
        parts: list[str | tuple[str, str]] = [text]
        pane = self._focused_pane()
        if pane:
            parts.append((f"  ▶ 正在翻看{pane}：↑↓ 滚动，直接打字或 Enter 回到回复框", "bold $text-warning"))
        self.query_one("#status", Static).update(Plain.assemble(*parts))

    def _focused_pane(self) -> str:
        """The pane holding the focus while the reply box waits for text ("" when the box has it)."""
        reply = self.query_one(ReplyInput)
        if reply.has_class("-hidden") or reply.has_focus or self.focused is None:
            return ""
        if isinstance(self.focused, FeedbackPanel):
            return "反馈"
        if isinstance(self.focused, Transcript):
            return "对话记录"
        return "作者预览" if isinstance(self.focused, AuthorTools) else ""

    def on_descendant_focus(self) -> None:
        self._update_status()

    def on_descendant_blur(self) -> None:
        self.call_after_refresh(self._update_status)  # the focus has moved on by then

    def _update_inputs(self) -> None:
        """Show the reply box, the options, or the debrief button, as the moment requires."""
        finished = self.session.finished
        shown = self.session.shown_options() if not finished else ()
        use_choices = self.mode == "choice" and bool(shown)
        reply = self.query_one(ReplyInput)
        choices = self.query_one(ChoiceList)
        finish = self.query_one("#finish", Button)
        reply.set_class(finished or use_choices, "-hidden")
        choices.set_class(finished or not use_choices, "-hidden")
        finish.set_class(not finished, "-hidden")
        if use_choices:
            choices.show(shown)
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
        reply = self._sent = event.text
        event.reply_input.clear()
        self._step(lambda session: session.answer(reply), "answer")

    @on(ChoiceList.Chosen)
    def _chosen(self, event: ChoiceList.Chosen) -> None:
        index = event.index
        self._step(lambda session: session.choose(index), "choose")

    def action_pick(self, place: int) -> None:
        self.query_one(ChoiceList).pick(place)

    def action_scroll_pane(self, pane: str, direction: int) -> None:
        """Scroll the feedback (a page) or the conversation (a few lines) without moving the focus."""
        if pane == "feedback":
            if self.mode != "exam":
                panel = self.query_one(FeedbackPanel)
                (panel.scroll_page_down if direction > 0 else panel.scroll_page_up)(animate=False)
        else:
            self.query_one(Transcript).scroll_relative(y=3 * direction, animate=False)

    def on_key(self, event: events.Key) -> None:
        """Typing while a pane has the focus goes to the reply box, and so does Enter (which sends)."""
        reply = self.query_one(ReplyInput)
        if reply.has_class("-hidden") or reply.has_focus or not (event.is_printable or event.key == "enter"):
            return
        event.stop()
        event.prevent_default()
        reply.focus()
        if event.key == "enter":
            reply.action_submit()
        elif event.character:
            reply.insert(event.character)

    @on(Button.Pressed, "#finish")
    def _finish_pressed(self) -> None:
        self.action_debrief()

    def action_toggle_preview(self) -> None:
        if self.mode != "exam":
            self.query_one(AuthorTools).toggle()

    @on(AuthorTools.Toggled)
    def _preview_toggled(self, message: AuthorTools.Toggled) -> None:
        # Bubbles on to the app, which remembers it for the next play screen.
        if message.shown and self.recorder.purpose != "authoring":
            self.recorder.purpose = "authoring"
            self.notify("作者预览已打开：本次演练记为编写预览，不计入学员的历史与统计。", timeout=6)
            self._update_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return not self.query_one(ChoiceList).has_class("-hidden")
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
            self.post_message(self.Ended(self.session, self.recorder.record_id if self.recorder.saved else None))

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
