"""`simulator calibrate FILE --teach`: an instructor's labelled replies join the corpus; the judge is
retrained; agreement with the instructor is shown before and after.

The rows with `shows` filled in become a new part of the corpus's training side (train/c<date>_01.yaml,
with where it came from in its header), so leave-one-pass-out keeps measuring on writer passes
and the instructor's part always trains. The weights the rubric names are rewritten.
"""
from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import yaml

from ..engine.authoring.calibration import Calibration, MarkedReply, Scale, calibrate
from ..engine.content.model import Rubric
from .errors import UserError
from .training import describe, run_training, weights_target


def new_part_name(train: Path, day: datetime.date) -> str:
    """c20261203, then c20261203b, c20261203c ... so a part is never overwritten."""
    base = f"c{day:%Y%m%d}"
    taken = {p.stem.split("_")[0] for p in train.glob("*.yaml")}
    for suffix in ["", *"bcdefghijklmnopqrstuvwxyz"]:
        if base + suffix not in taken:
            return base + suffix
    raise UserError(f"{train}: 今天已经加入了太多校准批次")


def part_text(part: str, source: str, rows: Sequence[MarkedReply], day: datetime.date) -> str:
    replies = []
    for number, row in enumerate(rows, 1):
        scenario, _, node = row.where.partition("/")
        replies.append({"id": f"{part}-{number:04d}", "scenario": scenario or None, "node": node or None,
                        "situation": None, "petitioner": row.context, "reply": row.reply,
                        "shows": list(row.shows or ()), "unsure": list(row.unsure), "source_id": row.id})
    header = (f"# {part} — an instructor's calibration marks ({Path(source).name}), added {day.isoformat()} with\n"
              f"# `simulator calibrate --teach`: {len(rows)} replies labelled by the instructor (shows / unsure)\n"
              "# against data/corpus/labelling-guide.md. Always in training; never a leave-one-pass-out fold.\n")
    body = yaml.safe_dump({"replies": replies}, allow_unicode=True, sort_keys=False, default_flow_style=None,
                          width=100000)
    return header + body


def _agreement_rows(before: Calibration, after: Calibration) -> list[str]:
    lines = ["维度                 Spearman 之前 → 之后    加权κ 之前 → 之后"]
    later = {r.dimension: r for r in after.dimensions}

    def fmt(value: float | None) -> str:
        return "  —  " if value is None else f"{value:5.2f}"

    for review in before.dimensions:
        now = later[review.dimension]
        lines.append(f"{review.label:<6}{review.dimension:<14} {fmt(review.agreement.spearman)} → "
                     f"{fmt(now.agreement.spearman)}        {fmt(review.agreement.kappa)} → {fmt(now.agreement.kappa)}")
    return lines


def _criteria_agreement(rows: Sequence[MarkedReply], rubric: Rubric) -> dict[str, Any]:
    """On the taught rows: how many (reply, criterion) verdicts match the instructor's labels."""
    from ..engine.play.scoring import compile_rubric, score_reply

    compiled = compile_rubric(rubric)
    agree = total = 0
    for row in rows:
        fired = {r.criterion for r in score_reply(row.reply, compiled, row.turn, row.context).results if r.fired}
        for criterion in rubric.by_id:
            if criterion in row.unsure:
                continue
            total += 1
            agree += (criterion in fired) == (criterion in (row.shows or ()))
    return {"agree": agree, "total": total}


def teach(source: str, replies: Sequence[MarkedReply], scales: dict[str, Scale], rubric: Rubric,
          rubric_path: Path, corpus: Path, quick: bool, out: IO[str], cache: Path | None = None) -> int:
    from ..engine.check.ready import load_rubric

    taught = [r for r in replies if r.shows is not None]
    if not taught:
        raise UserError(f"{source}: 没有填写 shows 列的回复，无从教起"
                        "（shows 写评分项编号或名称，什么都没做到写「无」）")
    train = corpus / "train"
    if not train.is_dir():
        raise UserError(f"找不到语料目录：{train}")
    target = weights_target(rubric, None)
    before = calibrate(replies, scales, rubric)
    criteria_before = _criteria_agreement(taught, rubric)
    day = datetime.date.today()
    part = new_part_name(train, day)
    path = train / f"{part}_01.yaml"
    path.write_text(part_text(part, source, taught, day), encoding="utf-8")
    out.write(f"已加入语料：{path}（{len(taught)} 条）\n")
    try:
        trained = run_training(corpus, rubric, nested=not quick, workers=0, cache=cache)
    except BaseException:
        path.unlink()  # a failed or interrupted training leaves the corpus as it was
        out.write(f"训练没有完成，已撤回 {path.name}\n")
        raise
    target.write_text(trained.text, encoding="utf-8")
    for line in describe(trained, rubric):
        out.write(line + "\n")
    out.write(f"已写入 {target}\n")
    retrained = load_rubric(rubric_path)
    after = calibrate(replies, scales, retrained)
    criteria_after = _criteria_agreement(taught, retrained)
    out.write("\n与教员打分的一致性（本表全部回复）：\n")
    out.writelines(line + "\n" for line in _agreement_rows(before, after))
    out.write(f"\n教过的 {len(taught)} 条回复上，逐评分项与教员标注一致："
              f"{criteria_before['agree']}/{criteria_before['total']} → "
              f"{criteria_after['agree']}/{criteria_after['total']}"
              "（之后的数字是在训练过的回复上量的，偏乐观；新措辞上的表现见 bench/bench_judge.py）\n")
    out.write("封存测试集上的数字属于旧权重：请运行 bench/bench_judge.py 重新测定。\n")
    return 0
