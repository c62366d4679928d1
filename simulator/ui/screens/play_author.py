"""What the play screen does for authors: reloads on save (`--watch`), diagnostics, the preview.

A mixin for `PlayScreen`, kept apart so the screen's own file stays about playing. Reloads are
engine steps like any other (a replay of the replies so far, in the screen's worker thread), so
they queue behind a reply being scored instead of racing it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from ..widgets.diagnostics import DiagnosticsPanel
from ..widgets.feedback import FeedbackPanel
from ..widgets.meters import MeterPanel
from ..widgets.preview import PreviewPanel
from .play_view import hint_for, readings

if TYPE_CHECKING:
    from ...engine.content.model import Rubric, Scenario
    from ...engine.play.session import Session, TurnResult


class AuthorTools:
    """Reload, diagnostics and preview for `PlayScreen` (which provides the attributes used here)."""

    session: Session
    mode: str
    busy: bool
    preview_on: bool
    replaced: TurnResult | None
    _pending_reload: tuple[Scenario, Rubric] | None

    # ------------------------------------------------------------ --watch

    def reload(self, scenario: Scenario, rubric: Rubric) -> None:
        """New content was saved: clear the diagnostics and replay the conversation on it."""
        from ..watch import replay

        self.query_one(DiagnosticsPanel).problems = ()  # type: ignore[attr-defined]
        if self.busy:  # after the step under way; a later save replaces an earlier one
            self._pending_reload = (scenario, rubric)
            return
        self._pending_reload = None

        def step(session: Session) -> tuple[Session, str]:
            replayed = replay(session, scenario, rubric)
            return replayed.session, replayed.note

        self._step(step, "reload")  # type: ignore[attr-defined]

    def queue_reload(self, scenario: Scenario, rubric: Rubric) -> None:
        """Reload once the step under way (or, before mounting, the first line) is done."""
        self._pending_reload = (scenario, rubric)

    def show_problems(self, problems: tuple[str, ...]) -> None:
        """The saved content does not load: say why, and keep playing the last content that did."""
        self.query_one(DiagnosticsPanel).problems = problems  # type: ignore[attr-defined]

    def _next_reload(self) -> None:
        if self._pending_reload is not None and not self.busy:
            self.reload(*self._pending_reload)

    def _after_reload(self, note: str, dropped: int) -> None:
        """Everything the new content may have changed besides the transcript."""
        session = self.session
        persona = session.scenario.persona
        self.query_one("#persona").update(Content(f"{persona.name}：{persona.background}"))  # type: ignore[attr-defined]
        last = session.last
        meters = self.query_one(MeterPanel)  # type: ignore[attr-defined]
        meters.reset(readings(session, last.changes if last else ()), reasons=self.mode != "exam")
        if self.mode != "exam":
            panel = self.query_one(FeedbackPanel)  # type: ignore[attr-defined]
            self.replaced = None
            panel.replaced = None
            panel.hint = hint_for(session) if panel.hint is not None and not session.finished else None
            panel.note = self._option_note(last) if last else ""  # type: ignore[attr-defined]
            panel.result = last
        self.notify(note, title="重新加载", severity="warning" if dropped else "information",  # type: ignore[attr-defined]
                    timeout=10 if dropped else 3, markup=False)

    # ------------------------------------------------------------ preview

    def _update_preview(self) -> None:
        if not self.preview_on:
            return
        from .preview_view import preview_of

        self.query_one(PreviewPanel).preview = preview_of(self.session)  # type: ignore[attr-defined]

    def watch_preview_on(self, shown: bool) -> None:
        self.query_one(PreviewPanel).set_class(not shown, "-hidden")  # type: ignore[attr-defined]
        self._update_preview()

    def action_toggle_preview(self) -> None:
        if self.mode == "exam":
            return
        self.preview_on = not self.preview_on
        self.app.preview = self.preview_on  # type: ignore[attr-defined]  (the next play screen opens the same way)
