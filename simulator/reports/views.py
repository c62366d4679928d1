"""What a debrief shows, prepared from a SessionRecord for the templates (HTML and Markdown alike).

Everything here is plain data: strings stay unescaped so each template environment escapes them
its own way. Highlighting is a list of segments (text + kind), never pre-built markup.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..engine.content.model import ENDING_LABELS
from ..engine.play.session import MODE_LABELS
from ..store.records import PURPOSE_LABELS, Change, Finding, SessionRecord, TurnRecord
from .charts import LineChart, line_chart

ENDING_MEANINGS = {
    "resolved": "来访人的诉求得到受理或化解，情绪平稳地离开。",
    "referred": "来访人被引导到依法有权处理的正确渠道，知道下一步找谁、怎么办。",
    "dissatisfied": "来访人带着不满离开，问题没有解决，很可能重复来访。",
    "escalated": "矛盾升级，来访人可能越级上访或组织集体访。",
    "crisis": "出现人身安全危机信号，须立即按应急预案处置并报告。",
}
STATUS_LABELS = {"active": "未完成", "finished": "已完成", "abandoned": "已放弃"}
GOOD = frozenset({"resolved", "referred"})


def local_time(stamp: str | None, with_seconds: bool = False) -> str:
    """A stored UTC timestamp shown in the machine's local time."""
    if not stamp:
        return "—"
    try:
        moment = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    return moment.strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def score_text(score: int | None) -> str:
    return "—" if score is None else str(score)


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str  # "" plain, "hit" credit evidence, "flag" fault evidence
    note: str  # the criteria that marked it


@dataclass(frozen=True)
class Bar:
    label: str
    score: int | None
    y: int
    width: float
    tone: str  # good | fair | poor | none


def segments(reply: str, hits: tuple[Finding, ...], flags: tuple[Finding, ...]) -> tuple[Segment, ...]:
    """The reply cut into runs of plain text and evidence; faults win where spans overlap."""
    kinds = [""] * len(reply)
    notes: list[list[str]] = [[] for _ in reply]
    for findings, kind in ((hits, "hit"), (flags, "flag")):
        for finding in findings:
            for start, end, _ in finding.evidence:
                for i in range(max(0, start), min(end, len(reply))):
                    kinds[i] = kind if kinds[i] != "flag" else "flag"
                    if finding.label not in notes[i]:
                        notes[i].append(finding.label)
    runs: list[Segment] = []
    for i, char in enumerate(reply):
        note = "、".join(notes[i])
        if runs and runs[-1].kind == kinds[i] and runs[-1].note == note:
            runs[-1] = Segment(runs[-1].text + char, kinds[i], note)
        else:
            runs.append(Segment(char, kinds[i], note))
    return tuple(runs)


def tone(score: int | None) -> str:
    if score is None:
        return "none"
    return "good" if score >= 80 else "fair" if score >= 60 else "poor"


CHART_LEFT, CHART_WIDTH, CHART_ROW = 120, 440, 27


def bars(dimensions: tuple[tuple[str, str, int | None], ...]) -> tuple[Bar, ...]:
    return tuple(
        Bar(label, score, 10 + i * CHART_ROW, CHART_WIDTH * (score or 0) / 100, tone(score))
        for i, (_, label, score) in enumerate(dimensions)
    )


@dataclass(frozen=True)
class Shown:
    """A beginner-mode option as the trainee saw it."""

    place: int
    text: str
    chosen: bool
    best: bool
    note: str


@dataclass(frozen=True)
class TurnView:
    turn: int
    prompt: str
    reply: str
    segments: tuple[Segment, ...]
    total: int
    tone: str
    capped_by: str  # the label of the fault that capped the total, or ""
    hint_used: bool
    options: tuple[Shown, ...]  # beginner mode: what was on the screen, in that order
    dimensions: tuple[tuple[str, str], ...]  # (label, score text) for assessed dimensions
    hits: tuple[Finding, ...]
    flags: tuple[Finding, ...]
    missed: tuple[Finding, ...]
    model_answer: str
    moved: str  # the state changes in one line: 「愤怒 −10 · 信任 +5 · 已倾听 → 是」
    reasons: tuple[str, ...]  # each change with its cause, folded under `moved`


def signed(delta: int) -> str:
    return f"+{delta}" if delta > 0 else f"−{-delta}"  # a real minus sign: it reads better in print


def moved(changes: tuple[Change, ...]) -> str:
    """The turn's net effect per variable, in the order they first changed."""
    first: dict[str, Change] = {}
    last: dict[str, Change] = {}
    for change in changes:
        first.setdefault(change.variable, change)
        last[change.variable] = change
    parts = []
    for variable, start in first.items():
        end = last[variable]
        if isinstance(end.after, bool) or isinstance(start.before, bool):
            parts.append(f"{end.label} → {'是' if end.after else '否'}")
        elif end.after != start.before:
            parts.append(f"{end.label} {signed(int(end.after) - int(start.before))}")
    return " · ".join(parts)


def model_answer(t: TurnRecord, chose: bool) -> str:
    """The model answer, for a turn that has something to learn from it (a fault, a miss), unless the
    options shown (with the best marked) already say it."""
    if chose or not t.model_answers or not (t.flags or t.missed):
        return ""
    return t.model_answers[0]


def turn_view(t: TurnRecord) -> TurnView:
    labels = {f.criterion: f.label for f in t.hits + t.flags + t.missed}
    options = tuple(Shown(place, text, text == t.reply, best, note)
                    for place, (text, best, note) in enumerate(t.options, 1))
    return TurnView(
        t.turn, t.prompt, t.reply, segments(t.reply, t.hits, t.flags), t.total, tone(t.total),
        labels.get(t.capped_by, "严重问题") if t.capped_by else "", t.hint_used, options,
        tuple((label, score_text(score)) for _, label, score in t.dimensions if score is not None),
        t.hits, t.flags, t.missed, model_answer(t, bool(options)),
        moved(t.changes), tuple(c.reason for c in t.changes),
    )


def state_chart(conversation: tuple[TurnRecord, ...]) -> LineChart | None:
    """The petitioner's numeric state (anger, trust, risk, ...) from before the first reply to after the last."""
    if not conversation:
        return None
    first = conversation[0]
    series = []
    for variable, label, after in first.state:
        if isinstance(after, bool):
            continue
        moves = [c for c in first.changes if c.variable == variable]
        values = [int(moves[0].before) if moves else int(after)]
        for turn in conversation:
            values += [int(v) for name, _, v in turn.state if name == variable and not isinstance(v, bool)]
        series.append((label, values))
    if not series:
        return None
    return line_chart(series, ["开始", *(f"第{t.turn}轮" for t in conversation)])


@dataclass(frozen=True)
class Source:
    label: str
    ref: str
    quote: str


def sources(conversation: tuple[TurnRecord, ...]) -> tuple[Source, ...]:
    """Where each criterion the debrief mentions comes from, once each (the turns name only the label)."""
    found: dict[str, Source] = {}
    for turn in conversation:
        for f in turn.flags + turn.hits + turn.missed:
            if f.source_ref and f.criterion not in found:
                found[f.criterion] = Source(f.label, f.source_ref, f.source_quote)
    return tuple(found.values())


@dataclass(frozen=True)
class SessionView:
    title: str
    trainee: str
    scenario: str
    persona: str
    date: str
    mode: str
    purpose: str  # "" for a trainee's practice, else 「教员试玩」「编写预览」
    status: str
    ending_title: str | None
    ending_kind: str | None
    ending_label: str
    ending_meaning: str
    ending_summary: str
    ending_good: bool
    closing_line: str
    total: str
    total_tone: str
    dimensions: tuple[tuple[str, str], ...]
    bars: tuple[Bar, ...]
    chart_height: int
    state_chart: LineChart | None
    turns: tuple[TurnView, ...]
    sources: tuple[Source, ...]
    rewinds: tuple[str, ...]
    replaced: tuple[tuple[int, str], ...]  # (turn, reply) of answers taken back
    record: str  # 「12（3f2a9c1e）」 for a saved session, else ""
    generated: str


def session_view(record: SessionRecord, generated: str = "") -> SessionView:
    kind = record.ending_kind
    conversation = record.conversation
    if kind:
        label, meaning = ENDING_LABELS.get(kind, kind), ENDING_MEANINGS.get(kind, "")
    elif record.status == "abandoned":
        label, meaning = "已放弃", f"演练在第 {len(conversation) + 1} 轮前被放弃，没有到达结局。"
    else:
        label, meaning = "未完成", f"演练停在第 {len(conversation) + 1} 轮，可用同一学员姓名继续。"
    saved = f"{record.id}（{record.uuid[:8]}）" if record.id is not None and record.uuid else ""
    return SessionView(
        title=f"接访演练记录：{record.scenario_title}", trainee=record.trainee or "—",
        scenario=record.scenario_title, persona=record.persona,
        date=local_time(record.started_at), mode=MODE_LABELS.get(record.mode, record.mode),
        purpose="" if record.purpose == "training" else PURPOSE_LABELS.get(record.purpose, record.purpose),
        status=STATUS_LABELS.get(record.status, record.status), ending_title=record.ending_title,
        ending_kind=kind, ending_label=label, ending_meaning=meaning, ending_summary=record.ending_summary or "",
        ending_good=kind in GOOD, closing_line=record.closing_line or "", total=score_text(record.total),
        total_tone=tone(record.total),
        dimensions=tuple((label, score_text(score)) for _, label, score in record.dimensions),
        bars=bars(record.dimensions), chart_height=10 + CHART_ROW * len(record.dimensions),
        state_chart=state_chart(conversation),
        turns=tuple(turn_view(t) for t in conversation), sources=sources(conversation),
        rewinds=tuple(f"{local_time(r.at)}：答完第 {r.from_turn} 轮后，回到第 {r.to_turn} 轮重答"
                      for r in record.rewinds),
        replaced=tuple((t.turn, t.reply) for t in record.replaced),
        record=saved, generated=generated,
    )
