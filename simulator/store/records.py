"""What the store keeps, as immutable values, and the Records protocol the UI codes against.

A `SessionRecord` is self-contained: it carries the labels, model answers, evidence and source
passages it needs, so reports render from the store alone even after the scenario file changed.
`record_from_session` builds one from a live Session (the TUI's debrief export uses it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the engine's values are only read here; importing it costs start-up time
    from ..engine.play.scoring import CriterionResult
    from ..engine.play.session import Session, TurnResult


class StoreError(Exception):
    """A records problem shown to the user as one line (unknown session, unreadable bundle, ...)."""


# Who a session is for. Only trainees practising count in trainee history, cohort reports and
# exports; an instructor trying a scenario, or an author previewing one (`play --watch`, the F2
# preview), is kept out of them unless asked for.
PURPOSES = ("training", "instructor", "authoring")
PURPOSE_LABELS = {"training": "学员演练", "instructor": "教员试玩", "authoring": "编写预览"}


# ---------------------------------------------------------------- the Records protocol

@dataclass(frozen=True)
class SavedSession:
    """An unfinished session that can be resumed with Session.from_json(data, scenario, rubric)."""

    id: int
    uuid: str
    trainee: str
    scenario_id: str
    scenario_title: str
    started_at: str  # ISO 8601, UTC
    updated_at: str
    turns: int
    data: dict[str, Any]
    purpose: str = "training"

    @property
    def mode(self) -> str:
        """The mode the session was started in, and the only one it continues in."""
        return str(self.data.get("mode", "practice"))


@dataclass(frozen=True)
class SessionSummary:
    id: int
    uuid: str
    trainee: str
    scenario_id: str
    scenario_title: str
    started_at: str
    status: str  # active | finished | abandoned
    ending_kind: str | None
    ending_title: str | None
    total: int | None
    dimensions: tuple[tuple[str, str, int | None], ...]  # (id, label, score)
    turns: int
    mode: str = "practice"
    purpose: str = "training"
    copy_of: str | None = None  # an imported copy: the UUID of the session it conflicted with

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id, "uuid": self.uuid, "trainee": self.trainee, "scenario": self.scenario_id,
            "scenario_title": self.scenario_title, "started_at": self.started_at, "mode": self.mode,
            "purpose": self.purpose, "status": self.status, "ending": self.ending_kind,
            "ending_title": self.ending_title, "dimensions": {d: s for d, _, s in self.dimensions},
            "total": self.total, "turns": self.turns, "copy_of": self.copy_of,
        }


class Records(Protocol):
    """The record keeper the TUI takes as a constructor argument.

    Implemented by `store.Store` (SQLite), `ui.records.MemoryRecords` (this run only) and
    `ui.launch.LazyRecords` (a Store opened on first use, falling back to memory).
    """

    @property
    def problem(self) -> str:
        """Why records are not kept as asked (kept in memory instead); "" when all is well."""
        ...

    def begin(self, trainee: str, session: Session, purpose: str = "training") -> int:
        """A new session record, joined with the session's first answer; its id."""
        ...

    def set_purpose(self, session_id: int, purpose: str) -> None:
        """Mark a session as run for another purpose (an author opened the preview midway)."""
        ...

    def record_turn(self, session_id: int, session: Session) -> None:
        """The session as it stands after a step (an answer, a hint, a rewind)."""
        ...

    def finish(self, session_id: int, session: Session) -> None:
        """The session reached its ending."""
        ...

    def abandon(self, session_id: int) -> None:
        """Set an unfinished session aside: kept in history, no longer offered to resume.

        Does nothing to a session another process is writing."""
        ...

    def claim(self, session_id: int) -> SavedSession | None:
        """Become the one writer of an unfinished session: its state as kept now, or None when
        another process (a second terminal, the command line) is writing it."""
        ...

    def unfinished(self, trainee: str, scenario_id: str | None = None) -> list[SavedSession]:
        """The trainee's sessions that can be resumed (of any purpose), most recent first."""
        ...

    def history(self, trainee: str | None = None, trials: bool = False) -> list[SessionSummary]:
        """Sessions with at least one answered turn, newest first; `trials` adds instructors' and
        authors' runs to the trainees' own."""
        ...

    def best_scores(self, trainee: str, trials: bool = False) -> dict[str, int]:
        """The trainee's best total per scenario id, over finished sessions (`trials`: as in history)."""
        ...

    def record(self, session_id: int) -> SessionRecord:
        """The whole record of one session (for the debrief's export)."""
        ...

    def close(self) -> None:
        """Release the keeper's resources (a database connection); it is not used afterwards."""
        ...


# ---------------------------------------------------------------- full records (reports, export)

@dataclass(frozen=True)
class Finding:
    """One criterion's verdict as kept for the debrief: the words, the message, the source."""

    criterion: str
    label: str
    dimension: str
    kind: str  # credit | fault
    expected: bool
    evidence: tuple[tuple[int, int, str], ...]  # (start, end, text) in the reply as typed
    message: str
    example: str
    source_ref: str
    source_quote: str
    citations: tuple[tuple[str, str], ...] = ()  # (「《信访工作条例》第二十二条」, the words) the node cites for it


@dataclass(frozen=True)
class Change:
    variable: str
    label: str
    before: int | bool
    after: int | bool
    cause: str
    reason: str


@dataclass(frozen=True)
class TurnRecord:
    seq: int  # order of recording within the session, across rewinds
    turn: int
    node: str
    prompt: str
    reply: str
    choice: int | None
    hint_used: bool
    total: int
    capped_by: str | None
    dimensions: tuple[tuple[str, str, int | None], ...]
    hits: tuple[Finding, ...]
    flags: tuple[Finding, ...]
    missed: tuple[Finding, ...]
    verdicts: tuple[tuple[str, str, str, bool, bool], ...]  # (criterion, dimension, kind, fired, expected)
    changes: tuple[Change, ...]
    state: tuple[tuple[str, str, int | bool], ...]  # (variable, label, value) after the turn
    next_node: str
    ending_kind: str | None
    model_answers: tuple[str, ...]
    recorded_at: str
    rewound_at: str | None  # set once a rewind took this turn out of the conversation
    options: tuple[tuple[str, bool, str], ...] = ()  # beginner mode: (text, best, note) in the order shown


@dataclass(frozen=True)
class Rewind:
    seq: int
    to_turn: int  # the turn answered again
    from_turn: int  # how many turns had been answered when the trainee went back
    at: str


@dataclass(frozen=True)
class SessionRecord:
    id: int | None  # None: not (yet) in a store
    uuid: str
    trainee: str
    scenario_id: str
    scenario_title: str
    rubric_id: str
    persona: str
    mode: str
    status: str
    started_at: str
    updated_at: str
    finished_at: str | None
    ending_node: str | None
    ending_kind: str | None
    ending_title: str | None
    ending_summary: str | None
    closing_line: str | None  # the petitioner's last words at the ending node
    total: int | None
    dimensions: tuple[tuple[str, str, int | None], ...]
    data: dict[str, Any]
    turns: tuple[TurnRecord, ...]  # every recorded turn, rewound ones included
    rewinds: tuple[Rewind, ...]
    purpose: str = "training"
    copy_of: str | None = None  # an imported copy: the UUID of the session it conflicted with

    @property
    def conversation(self) -> tuple[TurnRecord, ...]:
        """The turns that make up the conversation as it stands (not rewound), in order."""
        return tuple(sorted((t for t in self.turns if t.rewound_at is None), key=lambda t: t.turn))

    @property
    def replaced(self) -> tuple[TurnRecord, ...]:
        return tuple(t for t in self.turns if t.rewound_at is not None)

    def summary(self) -> SessionSummary:
        return SessionSummary(
            self.id or 0, self.uuid, self.trainee, self.scenario_id, self.scenario_title, self.started_at,
            self.status, self.ending_kind, self.ending_title, self.total, self.dimensions,
            len(self.conversation), self.mode, self.purpose, self.copy_of,
        )


# ---------------------------------------------------------------- from the engine's values

def _finding(result: CriterionResult) -> Finding:
    return Finding(
        result.criterion, result.label, result.dimension, result.kind, result.expected,
        tuple((e.start, e.end, e.text) for e in result.evidence), result.message, result.example,
        result.source_ref, result.source_quote, tuple((c.ref, c.quote) for c in result.citations),
    )


def turn_record(result: TurnResult, session: Session, seq: int, now: str) -> TurnRecord:
    """A TurnResult with the labels and model answers it needs to stand on its own."""
    scenario = session.scenario
    score = result.score
    labels = {name: var.label for name, var in scenario.state.items()}
    node = scenario.nodes.get(result.node)
    shown = session.shown_options(result.node) if result.choice is not None and node else ()
    return TurnRecord(
        seq, result.turn, result.node, result.prompt, result.reply, result.choice, result.hint_used,
        score.total, score.capped_by,
        tuple((d.dimension, d.label, d.score) for d in score.dimensions),
        tuple(_finding(r) for r in score.hits), tuple(_finding(r) for r in score.flags),
        tuple(_finding(r) for r in score.missed),
        tuple((r.criterion, r.dimension, r.kind, r.fired, r.expected) for r in score.results),
        tuple(Change(c.variable, c.label, c.before, c.after, c.cause, c.reason) for c in result.changes),
        tuple((name, labels.get(name, name), value) for name, value in result.state),
        result.next_node, result.ending.kind if result.ending else None,
        tuple(node.model_answers) if node else (), now, None,
        tuple((option.text, option.best, option.note) for _, option in shown),
    )


def session_fields(session: Session) -> dict[str, Any]:
    """The per-session columns that follow from a Session's current state."""
    ending = session.ending
    labels = {k: d.label for k, d in session.rubric.dimensions.items()}
    closing = None
    if ending is not None and session.current.say:
        try:
            closing = session.prompt
        except Exception:  # an authored template that fails at the ending: the report goes without it
            closing = None
    return {
        "status": "finished" if ending is not None else "active",
        "ending_node": session.node if ending is not None else None,
        "ending_kind": ending.kind if ending else None,
        "ending_title": ending.title if ending else None,
        "ending_summary": ending.summary if ending else None,
        "closing_line": closing,
        "total": session.total(),
        "dimensions": tuple((k, labels[k], v) for k, v in session.dimension_scores().items()),
        "data": session.to_json(turns=False),  # the store keeps the replies in its turns
    }


def record_from_session(session: Session, trainee: str = "", started_at: str = "",
                        uuid: str = "", now: str = "", *, record_id: int | None = None,
                        purpose: str = "training") -> SessionRecord:
    """A SessionRecord for a live Session that is not (or not yet) read back from a store."""
    fields = session_fields(session)
    turns = tuple(turn_record(r, session, i, now) for i, r in enumerate(session.history, 1))
    return SessionRecord(
        record_id, uuid, trainee, session.scenario.id, session.scenario.title, session.rubric.id,
        session.scenario.persona.name, session.mode, fields["status"], started_at, now,
        now if session.finished else None, fields["ending_node"], fields["ending_kind"],
        fields["ending_title"], fields["ending_summary"], fields["closing_line"], fields["total"],
        fields["dimensions"], session.to_json(), turns, (), purpose,
    )
