"""Resume or begin: the decision both the headless player and the TUI make when a trainee starts."""
from __future__ import annotations

from dataclasses import dataclass

from ..engine.content.model import Rubric, Scenario
from ..engine.play.scoring import ReplyTooLong
from ..engine.play.session import MODE_LABELS, MODES, Mode, ScenarioError, Session
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
                    mode: Mode = "practice", fresh: bool = False, *, purpose: str = "training",
                    seed: int = 0) -> Opened:
    """Continue the trainee's latest unfinished session of this scenario (run for the same
    purpose), or begin a new one with `seed` (the order options are shown in).

    A session continues only in the mode it started in: an exam left unfinished is not finished
    as practice. Asking for another mode is a StoreError that says what to do. Continuing means
    becoming the session's one writer first (`Store.claim`), then replaying it as stored at that
    moment; a session another process is writing is left to it. With `fresh`, unfinished sessions
    of this scenario (run for the same purpose) are set aside (kept, marked abandoned).
    """
    pending = [saved for saved in store.unfinished(trainee, scenario.id, busy=True) if saved.purpose == purpose]
    if fresh:
        for saved in pending:
            store.abandon(saved.id)  # not one another process is writing
        pending = []
    free = {saved.id for saved in store.unfinished(trainee, scenario.id)} if pending else set()
    busy = 0
    for saved in pending:
        if saved.id in free and saved.mode in MODES and saved.mode != mode:  # forged: restore says so
            was = MODE_LABELS.get(saved.mode, saved.mode)
            raise StoreError(f"{trainee} 在「{scenario.title}」有一次未完成的{was}模式演练（记录 {saved.id}，"
                             f"已答 {saved.turns} 轮），只能以{was}模式继续：继续请加 --mode {saved.mode}，"
                             "放弃它重新开始请加 --new")
        claimed = store.claim(saved.id) if saved.id in free else None
        if claimed is not None:
            return Opened(restore(claimed, scenario, rubric), claimed.id, claimed)
        busy += 1
    session = Session.start(scenario, rubric, mode, seed=seed)
    return Opened(session, store.begin(trainee, session, purpose), None, busy)
