"""Per-turn feedback: scores by dimension, the words that earned or cost points, and their sources.

Everything the trainee typed or an instructor authored goes into `Content` as plain text; styles
are added by span, so `[b]` or `<script>` in a reply shows exactly as typed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from ..plain import Plain

if TYPE_CHECKING:
    from ...engine.play.scoring import CriterionResult, TurnScore
    from ...engine.play.session import TurnResult

HIT_STYLE = "bold underline $text-success"
# Which layer decided a verdict (CriterionResult.by); the rubric's checks, the default, go unmarked.
DECIDED_BY = {"learned": "（学习模型判定）", "both": "（检查条件与学习模型一致）"}
FLAG_STYLE = "bold reverse $text-error"


def highlighted_reply(reply: str, score: TurnScore) -> Content:
    """The reply as typed, with credited words underlined and faulted words reversed."""
    content: Content = Plain(reply)
    for result in score.hits:
        for evidence in result.evidence:
            content = content.stylize(HIT_STYLE, evidence.start, evidence.end)
    # Faults go last so that, where spans overlap, the fault is what shows.
    for result in score.flags:
        for evidence in result.evidence:
            content = content.stylize(FLAG_STYLE, evidence.start, evidence.end)
    return content


def score_bar(label: str, score: int | None, width: int = 10, missing: str = "本轮未考察",
              note: str = "") -> Content:
    """「倾听 ██████░░░░  60」 (and a `note`), or a dash saying why (`missing`) when there is no score."""
    if score is None:
        return Plain.assemble((f"{label} ", "bold"), (f"—（{missing}）", "$text-muted"))
    filled = round(width * score / 100)
    style = "$text-success" if score >= 80 else "$text-warning" if score >= 50 else "$text-error"
    return Plain.assemble((f"{label} ", "bold"), ("█" * filled, style), ("░" * (width - filled), "$text-muted"),
                            f" {score:>3}", (f"（{note}）" if note else "", "$text-muted"))


def dimension_bars(score: TurnScore) -> list[Content]:
    """One bar per dimension, saying plainly which ones this turn did not count and why."""
    credited = {r.dimension for r in score.hits}
    bars = []
    for d in score.dimensions:
        if d.examined:
            bars.append(score_bar(d.label, d.score))
        elif d.score is not None:  # a fault outside what the turn examined still costs the total
            bars.append(score_bar(d.label, d.score, note="本轮不考察，扣分照样计入总分"))
        else:
            bars.append(score_bar(d.label, None, missing="本轮不计分" if d.dimension in credited else "本轮未考察"))
    return bars


def pad(text: str, cells: int) -> str:
    """Left-aligned in a column `cells` wide, counting CJK characters as two cells."""
    return text + " " * max(1, cells - cell_len(text))


def quoted(words: tuple[str, ...]) -> str:
    return "、".join(f"「{w}」" for w in words if w)


def criterion_lines(result: CriterionResult, capped: bool = False, uncounted: bool = False) -> list[Content]:
    """One criterion's verdict: mark, label, the words, the message, and where the rule comes from."""
    if result.kind == "fault":
        mark, style = "✗", "bold $text-error"
    elif result.fired:
        mark, style = "✓", "bold $text-success"
    else:
        mark, style = "○", "bold $text-warning"
    words = quoted(tuple(e.text for e in result.evidence))
    # No spaces inside the heading: Textual wraps at spaces and would strand the mark on its own line.
    lines = [Plain.assemble((f"{mark}{result.label}", style), f"：{words}" if words else "",
                              (DECIDED_BY.get(result.by, "") if result.fired else "", "$text-muted"),
                              ("（本轮不计分）" if uncounted else "", "$text-muted"))]
    message = result.message + ("（本轮总分因此封顶）" if capped else "")
    if message:
        lines.append(Plain.assemble("  ", message))
    if not result.fired and result.example:
        lines.append(Plain.assemble(("  示范：", "bold"), result.example))
    if result.source_ref:
        lines.append(Plain.assemble(("  依据：", "$text-muted"), (result.source_ref, "$text-muted")))
    if result.source_quote:
        lines.append(Plain.assemble("  ", (f"「{result.source_quote}」", "italic $text-muted")))
    lines += citation_lines(tuple((c.ref, c.quote) for c in result.citations))
    return lines


def citation_lines(citations: tuple[tuple[str, str], ...]) -> list[Content]:
    """The articles the scenario cites for this feedback: 「法条：《…》第X条」 and the words it rests on."""
    lines: list[Content] = []
    for ref, quote in citations:
        lines.append(Plain.assemble(("  法条：", "bold $text-accent"), ref))
        if quote:
            lines.append(Plain.assemble("  ", (f"「{quote}」", "italic")))
    return lines


def turn_feedback(result: TurnResult, note: str = "") -> Content:
    """The whole feedback for one answered turn."""
    score = result.score
    lines: list[Content] = [
        Plain.assemble((f"第 {result.turn} 轮得分 ", "bold"), (f"{score.total}", "bold $text-accent"),
                         ("  已用提示" if result.hint_used else "", "$text-muted")),
    ]
    lines += dimension_bars(score)
    lines += [Plain(""), Plain.styled("你的回复：", "bold"), highlighted_reply(result.reply, score)]
    findings = [*score.flags, *score.hits, *score.missed]
    if findings:
        lines.append(Plain(""))
    uncounted = {d.dimension for d in score.dimensions if not d.examined}
    for finding in findings:
        extra = finding.kind == "credit" and finding.dimension in uncounted
        lines += criterion_lines(finding, capped=finding.criterion == score.capped_by, uncounted=extra)
    if result.changes:
        lines += [Plain(""), Plain.styled("来访人的变化：", "bold")]
        lines += [Plain.assemble("  ", change.reason) for change in result.changes]
    if note:
        lines += [Plain(""), Plain.assemble(("选项讲解：", "bold"), note)]
    return Plain("\n").join(lines)


def comparison(before: TurnResult, after: TurnResult) -> Content:
    """The replaced reply and the new one, scored side by side."""
    lines = [Plain.styled(f"第 {after.turn} 轮：上次与这次", "bold"),
             Plain.assemble((pad("维度", 8), "bold"), (pad("上次", 6), "bold"), (pad("这次", 6), "bold"),
                              ("变化", "bold"))]
    rows: list[tuple[str, int | None, int | None]] = [("总分", before.score.total, after.score.total)]
    old = {d.dimension: d for d in before.score.dimensions}
    rows += [(d.label, old[d.dimension].score if d.dimension in old else None, d.score)
             for d in after.score.dimensions]
    for label, was, now in rows:
        change = "" if was is None or now is None else f"{now - was:+d}"
        style = "$text-success" if change.startswith("+") and change != "+0" else (
            "$text-error" if change.startswith("-") else "")
        lines.append(Plain.assemble(pad(label, 8), pad("—" if was is None else str(was), 6),
                                      pad("—" if now is None else str(now), 6), (change, style)))
    lines += [Plain.assemble(("上次：", "bold $text-muted"), highlighted_reply(before.reply, before.score)),
              Plain.assemble(("这次：", "bold"), highlighted_reply(after.reply, after.score))]
    return Plain("\n").join(lines)


@dataclass(frozen=True)
class Hint:
    """What this turn expects, for the hint key."""

    turn: int
    hint: str
    cue: str
    expected: tuple[tuple[str, str], ...]  # (criterion label, example phrase)


def hint_content(hint: Hint) -> Content:
    lines = [Plain.styled(f"第 {hint.turn} 轮提示", "bold $text-warning")]
    if hint.cue:
        lines.append(Plain.assemble(("要点：", "bold"), hint.cue))
    if hint.hint:
        lines.append(Plain.assemble(("提示：", "bold"), hint.hint))
    if hint.expected:
        lines.append(Plain.styled("本轮期望：", "bold"))
        for label, example in hint.expected:
            lines.append(Plain.assemble(f"•{label}", ("：" + example if example else "", "$text-muted")))
    return Plain("\n").join(lines)


class FeedbackPanel(VerticalScroll):
    """The coach's corner: the hint for this turn, the last turn's feedback, and a before/after comparison."""

    DEFAULT_CSS = """
    FeedbackPanel {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    FeedbackPanel > .card { width: 1fr; margin-bottom: 1; }
    FeedbackPanel > #hint-card { border-left: thick $warning; padding-left: 1; }
    FeedbackPanel > #compare-card { border-left: thick $accent; padding-left: 1; }
    FeedbackPanel > #empty-card { color: $text-muted; }
    """

    can_focus = True

    hint: reactive[Hint | None] = reactive(None, recompose=True)
    """The hint for the turn being answered, once the trainee asked for it."""

    result: reactive[TurnResult | None] = reactive(None, recompose=True)
    """The last answered turn."""

    replaced: reactive[TurnResult | None] = reactive(None, recompose=True)
    """The reply a rewind took back, compared with `result` when both are for the same turn."""

    note: reactive[str] = reactive("", recompose=True)
    """Beginner mode: what the chosen option teaches."""

    def compose(self) -> ComposeResult:
        if self.hint is not None:
            yield Static(hint_content(self.hint), id="hint-card", classes="card")
        if self.replaced is not None and self.result is not None and self.replaced.turn == self.result.turn:
            yield Static(comparison(self.replaced, self.result), id="compare-card", classes="card")
        if self.result is not None:
            yield Static(turn_feedback(self.result, self.note), id="turn-card", classes="card")
        elif self.hint is None:
            yield Static("每轮回复后，这里会显示得分、得分与失分的原话和依据。", id="empty-card", classes="card")
