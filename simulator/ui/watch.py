"""`simulator play SCENARIO --watch`: notice saved files, reload them, replay the replies so far.

`ContentWatcher` knows the scenario file and the rubric it names; `changed()` compares their
sizes and modification times with the last load (two `stat` calls, cheap enough for the event
loop), and `load()` (for a worker thread) reads and validates both, returning every error
instead of raising. `replay()` carries a conversation over to new content. Nothing here imports
Textual, and the engine is imported inside the functions that need it.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine.content.model import Rubric, Scenario
    from ..engine.play.session import Session

POLL_SECONDS = 0.5
Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Reloaded:
    """The outcome of one load: playable content, or the errors that stop it (as printed lines)."""

    scenario: Scenario | None = None
    rubric: Rubric | None = None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.playable is not None

    @property
    def playable(self) -> tuple[Scenario, Rubric] | None:
        """The scenario and rubric when they can be played, else None."""
        if self.scenario is None or self.rubric is None or self.problems:
            return None
        return self.scenario, self.rubric


class ContentWatcher:
    """A scenario file and its rubric, reloaded when either is saved.

    `interval` is how often the app polls (seconds); tests pass a short one.
    """

    def __init__(self, scenario_path: str | os.PathLike[str], rubric_dirs: Sequence[str | os.PathLike[str]],
                 interval: float = POLL_SECONDS) -> None:
        self.path = Path(scenario_path)
        self.rubric_dirs = tuple(Path(folder) for folder in rubric_dirs)
        self.interval = interval
        self.files: tuple[Path, ...] = (self.path,)  # the rubric joins once the scenario names it
        self._seen: Signature | None = None

    def signature(self) -> Signature:
        """Size and modification time of every watched file; a missing file reads as (-1, -1)."""
        found = []
        for path in self.files:
            try:
                stat = path.stat()
                found.append((str(path), stat.st_size, stat.st_mtime_ns))
            except OSError:
                found.append((str(path), -1, -1))
        return tuple(found)

    def changed(self) -> bool:
        """True when a watched file was saved (or appeared, or vanished) since the last load."""
        return self.signature() != self._seen

    def load(self) -> Reloaded:
        """Read and check the scenario and its rubric; every error is returned, none raised."""
        # Noted before reading: a save that lands while we read is seen by the next poll.
        self._seen = self.signature()
        try:
            scenario, rubric, problems, rubric_file = self._load()
        except Exception as error:  # a checker tripping over odd content must not end the session
            return Reloaded(problems=(f"{self.path}: 无法加载：{error}",))
        # When the scenario cannot be read, keep watching the rubric it named last time.
        files = self.files if rubric_file is None else (self.path, rubric_file)
        if files != self.files:
            self.files = files
            self._seen = self.signature()
        if problems:
            return Reloaded(problems=tuple(problems))
        return Reloaded(scenario, rubric)

    def _load(self) -> tuple[Scenario | None, Rubric | None, list[str], Path | None]:
        from ..engine.check.validate import check_loaded_rubric, check_loaded_scenario
        from ..engine.content.diagnostics import Diagnostic
        from ..engine.content.library import rubric_path
        from ..engine.content.loader import load_file
        from ..engine.content.model import Rubric, Scenario

        loaded = load_file(self.path, "scenario")
        problems = [str(d) for d in loaded.diagnostics if d.severity == "error"]
        scenario = loaded.model
        if not isinstance(scenario, Scenario):
            return None, None, problems or [f"{self.path}: 无法加载"], None
        target = rubric_path(scenario.rubric, self.path, self.rubric_dirs)
        rubric = None
        if target.is_file():
            loaded_rubric = load_file(target, "rubric")
            found = [d for d in (*loaded_rubric.diagnostics, *check_loaded_rubric(loaded_rubric))
                     if d.severity == "error"]
            problems += [str(d) for d in found]
            if isinstance(loaded_rubric.model, Rubric) and not found:
                rubric = loaded_rubric.model
        else:
            line, col = loaded.marks.at(("rubric",))
            problems.append(str(Diagnostic.of("SC207", f"找不到评分标准 '{scenario.rubric}'（查找位置：{target}）",
                                              loaded.path, line, col)))
        problems += [str(d) for d in check_loaded_scenario(loaded, rubric) if d.severity == "error"]
        return scenario, rubric, problems, target


@dataclass(frozen=True)
class Replayed:
    """A conversation carried over to new content: the new session and, if turns were dropped, why."""

    session: Session
    kept: int
    dropped: int
    reason: str = ""

    @property
    def note(self) -> str:
        if not self.dropped:
            return f"已重新加载场景，保留全部 {self.kept} 轮。" if self.kept else "已重新加载场景。"
        return (f"已重新加载场景：第 {self.kept + 1} 轮起无法按原回复重放（{self.reason}），"
                f"保留前 {self.kept} 轮，其后 {self.dropped} 轮已舍弃。")


def replay(old: Session, scenario: Scenario, rubric: Rubric) -> Replayed:
    """Answer the old replies again on new content, like `Session.from_json`, turn by turn.

    A turn carries over when the new dialogue reaches it at the same node it was answered at and
    answering it succeeds; the first turn that does not fit ends the replay, and the turns
    before it are kept.
    """
    from ..engine.play.scoring import ReplyTooLong
    from ..engine.play.session import ScenarioError, Session

    session = Session.start(scenario, rubric, old.mode, seed=old.seed)
    reason = ""
    for result in old.history:
        if session.finished:
            reason = f"对话在节点 {session.node} 已到结局"
            break
        if session.node != result.node:
            reason = f"这一轮原在节点 {result.node}，现在走到了 {session.node}"
            break
        try:
            step = session.use_hint() if result.hint_used else session
            step = step.choose(result.choice) if result.choice is not None else step.answer(result.reply)
            if not step.finished or step.current.say:
                _ = step.prompt  # a template that fails here would fail on screen
        except (ScenarioError, ReplyTooLong) as error:
            reason = str(error)
            break
        except Exception as error:  # authored content the checks let through: keep what replayed
            reason = f"{type(error).__name__}: {error}"
            break
        session = step
    kept = len(session.history)
    if kept == len(old.history) and old.hint_pending and not session.finished:
        session = session.use_hint()
    return Replayed(session, kept, len(old.history) - kept, reason)
