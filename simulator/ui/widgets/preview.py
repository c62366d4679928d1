"""How the author's preview reads: node id, state values, the criteria this turn scores, every branch.

Authored text (conditions, node ids, labels) goes into `Content` as plain text, so a condition
such as ``state['x'] > 1`` shows exactly as written. `AuthorTools` shows the result.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from ..plain import Plain

if TYPE_CHECKING:
    from .preview_view import BranchView, Preview

MARKS = {
    "holds": ("✓", "bold $text-success"),
    "fails": ("✗", "$text-muted"),
    "depends": ("?", "bold $text-warning"),
    "error": ("!", "bold $text-error"),
    "else": ("·", "$text-muted"),
}
VERDICTS = {"holds": "成立", "fails": "不成立", "depends": "取决于本轮回答", "error": "无法计算", "else": "否则"}


def branch_line(branch: BranchView, chosen_note: str) -> Content:
    """「✓ heard → facts  成立 ←实际走向」, then the detail (an error, what the reply may change)."""
    mark, style = MARKS[branch.verdict]
    condition = branch.when if branch.when is not None else "否则"
    line = Plain.assemble((f"{mark} ", style), (condition, "bold" if branch.chosen else ""), " → ",
                            (branch.goto, "bold"), (f"  {VERDICTS[branch.verdict]}", style)
                            if branch.verdict != "else" else "",
                            (f" ←{chosen_note}", "bold $text-accent") if branch.chosen else "")
    if branch.detail:
        line = Plain("\n").join([line, Plain.styled(f"    {branch.detail}", "$text-muted")])
    return line


def preview_content(preview: Preview) -> Content:
    """Everything the panel shows, as one block of text."""
    heading = "bold $text-accent"
    lines = [Plain.assemble(("节点 ", heading), (preview.node, "bold"),
                              f"（第 {preview.turn} 轮）" if not preview.ending else f"（结局：{preview.ending}）")]
    state = " · ".join(f"{label} {value}" for label, value in preview.state)
    lines.append(Plain.assemble(("状态 ", heading), state or "（无状态变量）"))
    if not preview.ending:
        lines.append(Plain.styled("本轮评分项", heading))
        lines += [Plain.assemble("  • ", (criterion, "bold"), f"（{label}）") for criterion, label in preview.expects]
        if not preview.expects:
            lines.append(Plain.styled("  （本节点没有期望的评分项；扣分项照常检查）", "$text-muted"))
        unknown = "分支（尚未回答：按当前状态判断，passed()、failed()、score()、total 未知）"
        lines.append(Plain.styled(unknown, heading))
        lines += [branch_line(b, "将走此分支") for b in preview.branches]
        if preview.undecided:
            lines.append(Plain.styled(f"  {preview.undecided}", "$text-warning"))
    if preview.last_turn is not None:
        lines.append(Plain.assemble((f"上一轮（第 {preview.last_turn} 轮）", heading), " ",
                                      (preview.last_node, "bold"), " → ", (preview.last_target, "bold"),
                                      ("（按该轮得分与状态）", "$text-muted")))
        lines += [branch_line(b, "实际走向") for b in preview.last_branches]
    return Plain("\n").join(lines)
