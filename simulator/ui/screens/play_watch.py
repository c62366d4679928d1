"""The play screen's part of `simulator play --watch`: replay the conversation on saved content.

`PlayScreen` inherits this; the app calls `reload` with content that loads and `show_problems`
with the errors of content that does not. A replay is an engine step like any other (in the
screen's worker), so it queues behind a reply being scored instead of racing it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from ..plain import Plain, notify_plain
from ..widgets.diagnostics import DiagnosticsPanel
from ..widgets.feedback import FeedbackPanel
from ..widgets.meters import MeterPanel
from .play_view import hint_for, persona_brief, readings

if TYPE_CHECKING:
    from collections.abc import Callable

    from ...engine.content.model import Rubric, Scenario
    from ...engine.play.session import Session, TurnResult


class WatchedPlay(Screen[None]):
    """Reloads for a play screen whose scenario file is being watched."""

    busy: reactive[bool] = reactive(False)
    """True while the engine works on a step; typing goes on, sending waits."""

    session: Session
    mode: str
    replaced: TurnResult | None
    _pending_reload: tuple[Scenario, Rubric] | None

    def _step(self, step: Callable[[Session], Session | tuple[Session, str]], kind: str,
              replaced: TurnResult | None = None) -> None:
        raise NotImplementedError  # PlayScreen's

    def _option_note(self, result: TurnResult) -> str:
        raise NotImplementedError  # PlayScreen's

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
        self.query_one("#persona", Static).update(Plain(persona_brief(session.scenario.persona)))
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
