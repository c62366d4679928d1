"""Resume or begin: the decision both the headless player and the TUI make when a trainee starts."""
from __future__ import annotations

from dataclasses import dataclass

from ..engine.content.model import Rubric, Scenario
from ..engine.play.scoring import ReplyTooLong
from ..engine.play.session import Mode, ScenarioError, Session
from .records import SavedSession, StoreError
from .store import Store


@dataclass(frozen=True)
class Opened:
    session: Session
    session_id: int
    resumed: SavedSession | None  # the record continued, or None for a fresh start
    busy: int = 0  # unfinished sessions of this scenario left alone because another process writes them


def restore(saved: SavedSession, scenario: Scenario, rubric: Rubric) -> Session:
    """The exact Session a saved record describes, or StoreError if it cannot be replayed on this scenario."""
    try:
        return Session.from_json(saved.data, scenario, rubric)
    except (ScenarioError, ReplyTooLong, KeyError, TypeError, ValueError) as error:
        raise StoreError(f"上次未完成的演练（记录 {saved.id}）无法按当前场景恢复：{error}；"
                         "可加 --new 重新开始") from None


def resume_or_begin(store: Store, trainee: str, scenario: Scenario, rubric: Rubric,
                    mode: Mode = "practice", fresh: bool = False) -> Opened:
    """Continue the trainee's latest unfinished session of this scenario, or begin a new one.

    Continuing means becoming the session's one writer first (`Store.claim`), then replaying it
    as stored at that moment; a session another process is writing is left to it. With `fresh`,
    unfinished sessions of this scenario are set aside (kept, marked abandoned).
    """
    busy = 0
    for saved in store.unfinished(trainee, scenario.id, busy=True):
        if fresh:
            store.abandon(saved.id)  # not one another process is writing
            continue
        claimed = store.claim(saved.id)
        if claimed is not None:
            return Opened(restore(claimed, scenario, rubric), claimed.id, claimed)
        busy += 1
    session = Session.start(scenario, rubric, mode)
    return Opened(session, store.begin(trainee, session), None, busy)
