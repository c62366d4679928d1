"""`simulator train`: fit the learned judge on the corpus and write the weights its rubric names."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError, content_errors

if TYPE_CHECKING:
    from ..engine.content.model import Rubric
    from ..settings import Settings
    from ..train.pipeline import Trained

NEEDS_EXTRA = "训练需要可选依赖 scikit-learn：pip install -e '.[train]'（源码目录中 make test 已安装）"


def weights_target(rubric: Rubric, out: str | None) -> Path:
    if out:
        return Path(out)
    if rubric.learned is None:
        raise UserError("评分标准没有 learned 一节，不知道权重写到哪里：请用 --out 指定")
    return rubric.learned.path(rubric.learned.weights)


def run_training(corpus: Path, rubric: Rubric, *, nested: bool, workers: int, cache: Path | None) -> Trained:
    try:
        from ..train.pipeline import train
    except ImportError:
        raise UserError(NEEDS_EXTRA) from None
    from ..train.corpus import CorpusError

    if not (corpus / "train").is_dir():
        raise UserError(f"找不到语料目录：{corpus / 'train'}")
    try:
        return train(corpus / "train", rubric, nested=nested, workers=workers, cache=cache,
                     say=lambda line: print(line, file=sys.stderr, flush=True))
    except CorpusError as error:
        raise UserError(str(error)) from None


def describe(trained: Trained, rubric: Rubric) -> list[str]:
    data = trained.data
    corpus = data["corpus"]
    parts = "、".join(f"{k} {v}" for k, v in corpus["parts"].items())
    lines = [f"语料版本 {corpus['version']}：{corpus['replies']} 条（{parts}）",
             f"标准库评分与 scikit-learn 的最大差：{trained.scorer_difference:.1e}（权重精确到 1e-6），"
             f"{trained.shipped_difference:.1e}（发布的权重，精确到 1e-3）",
             f"严重问题闸门：阈值 {data['serious_gate']['threshold']}，归因 {data['serious_gate']['attribute']}"]
    tuning = data.get("tuning")
    if tuning:
        for layer in ("rubric", "learned", "combined"):
            s = tuning[layer]["serious"]
            lines.append(f"留一轮交叉验证（{layer}）：严重问题召回 {s['recall']:.3f}，误报 {s['fa']:.3f}")
    stated = rubric.learned.rules if rubric.learned is not None else {}
    differ = [f"{c}: {stated.get(c, 'rubric')} → {rule}" for c, rule in data["recommended"].items()
              if stated.get(c, "rubric") != rule]
    if differ:
        lines.append("选择建议与评分标准现写的规则不同（评分标准说了算，需要时请改 learned.rules）："
                     + "；".join(differ))
    lines.append(f"sha256 {trained.sha256}")
    return lines


WEIGHTS_FINDINGS = ("SC330", "SC332")  # the weights training is about to write: missing or stale is expected


def rubric_to_train(path: Path) -> Rubric:
    """The rubric, validated except for its weights (which are what training writes)."""
    from ..engine.check.validate import check_loaded_rubric
    from ..engine.content.library import require_rubric
    from ..engine.content.loader import load_file

    with content_errors():
        loaded = load_file(path, "rubric")
        findings = [d for d in check_loaded_rubric(loaded) if d.code not in WEIGHTS_FINDINGS]
        return require_rubric(loaded, findings)


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    rubric = rubric_to_train(Path(args.rubric) if args.rubric else settings.standard_rubric)
    target = weights_target(rubric, args.out)
    corpus = Path(args.corpus) if args.corpus else settings.corpus_dir
    trained = run_training(corpus, rubric, nested=not args.quick, workers=args.jobs,
                           cache=None if args.no_cache or args.check else settings.cache_dir / "train")
    for line in describe(trained, rubric):
        print(line)
    if args.check:
        same = target.is_file() and target.read_text(encoding="utf-8") == trained.text
        print(f"{target}: {'与重新训练的结果逐字节相同' if same else '与重新训练的结果不同'}")
        return 0 if same else 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(trained.text, encoding="utf-8")
    print(f"已写入 {target}")
    return 0
