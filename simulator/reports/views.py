"""What a debrief shows, prepared from a SessionRecord for the templates (HTML and Markdown alike).

Everything here is plain data: strings stay unescaped so each template environment escapes them
its own way. Highlighting is a list of segments (text + kind), never pre-built markup.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..engine.content.model import ENDING_LABELS
from ..store.records import Finding, SessionRecord, TurnRecord

ENDING_MEANINGS = {
    "resolved": "来访人的诉求得到受理或化解，情绪平稳地离开。",
    "referred": "来访人被引导到依法有权处理的正确渠道，知道下一步找谁、怎么办。",
    "dissatisfied": "来访人带着不满离开，问题没有解决，很可能重复来访。",
    "escalated": "矛盾升级，来访人可能越级上访或组织集体访。",
    "crisis": "出现人身安全危机信号，须立即按应急预案处置并报告。",
}
STATUS_LABELS = {"active": "未完成", "finished": "已完成", "abandoned": "已放弃"}
MODE_LABELS = {"practice": "练习", "exam": "考核", "choice": "初学（选项）"}
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


CHART_LEFT, CHART_WIDTH, CHART_ROW = 120, 440, 34


def bars(dimensions: tuple[tuple[str, str, int | None], ...]) -> tuple[Bar, ...]:
    return tuple(
        Bar(label, score, 10 + i * CHART_ROW, CHART_WIDTH * (score or 0) / 100, tone(score))
        for i, (_, label, score) in enumerate(dimensions)
    )


@dataclass(frozen=True)
class TurnView:
    turn: int
    node: str
    prompt: str
    reply: str
    segments: tuple[Segment, ...]
    total: int
    tone: str
    capped_by: str | None
    hint_used: bool
    choice: int | None
    dimensions: tuple[tuple[str, str], ...]  # (label, score text) for assessed dimensions
    hits: tuple[Finding, ...]
    flags: tuple[Finding, ...]
    missed: tuple[Finding, ...]
    model_answers: tuple[str, ...]
    changes: tuple[str, ...]
    state: tuple[tuple[str, str], ...]


def turn_view(t: TurnRecord) -> TurnView:
    return TurnView(
        t.turn, t.node, t.prompt, t.reply, segments(t.reply, t.hits, t.flags), t.total, tone(t.total),
        t.capped_by, t.hint_used, t.choice,
        tuple((label, score_text(score)) for _, label, score in t.dimensions if score is not None),
        t.hits, t.flags, t.missed, t.model_answers, tuple(c.reason for c in t.changes),
        tuple((label, "是" if value is True else "否" if value is False else str(value))
              for _, label, value in t.state),
    )


@dataclass(frozen=True)
class SessionView:
    title: str
    trainee: str
    scenario: str
    scenario_id: str
    persona: str
    date: str
    mode: str
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
    turns: tuple[TurnView, ...]
    rewinds: tuple[str, ...]
    replaced: tuple[tuple[int, str], ...]  # (turn, reply) of answers taken back
    uuid: str
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
    return SessionView(
        title=f"接访演练记录：{record.scenario_title}", trainee=record.trainee or "—",
        scenario=record.scenario_title, scenario_id=record.scenario_id, persona=record.persona,
        date=local_time(record.started_at), mode=MODE_LABELS.get(record.mode, record.mode),
        status=STATUS_LABELS.get(record.status, record.status), ending_title=record.ending_title,
        ending_kind=kind, ending_label=label, ending_meaning=meaning, ending_summary=record.ending_summary or "",
        ending_good=kind in GOOD, closing_line=record.closing_line or "", total=score_text(record.total),
        total_tone=tone(record.total),
        dimensions=tuple((label, score_text(score)) for _, label, score in record.dimensions),
        bars=bars(record.dimensions), chart_height=20 + CHART_ROW * len(record.dimensions),
        turns=tuple(turn_view(t) for t in conversation),
        rewinds=tuple(f"{local_time(r.at)}：答完第 {r.from_turn} 轮后，回到第 {r.to_turn} 轮重答"
                      for r in record.rewinds),
        replaced=tuple((t.turn, t.reply) for t in record.replaced),
        uuid=record.uuid, generated=generated,
    )
