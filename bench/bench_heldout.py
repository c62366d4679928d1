"""How well the standard rubric's scorer agrees with a trainer's labels on held-out replies.

The replies in data/corpus/train/v1_01.yaml (and v2_01.yaml) were written and labelled by a reception trainer
without sight of the rubric's patterns. Each reply is scored with no turn (as `simulator score`
does) and every criterion's verdict (fired or not) is compared with the label (shown or not).
A (reply, criterion) pair the labeller marked `unsure` is left out of the measurement.

Prints, per criterion: support (replies labelled as showing it), fired, TP/FP/FN, precision,
recall and F1; macro averages over the criteria where each is defined; and the worst
disagreements, ranked by the points they put at stake:

  * a fault: its penalty weight, plus (100 - cap) when it caps the total;
  * a credit: its weight as a share of its dimension's target, in points of 100;

false flags of faults first among equals, then shorter replies; at most three per criterion so
that one criterion does not fill the list. This is a measurement, not a test: it always exits 0.

    .venv/bin/python bench/bench_heldout.py [--worst N] [--part all|dev|test] [--data PATH]

--data reads another labelled part in the corpus format (default data/corpus/train/v1_01.yaml),
e.g. data/corpus/train/v2_01.yaml. It measures the rubric's checks alone (the rubric layer).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.engine.check.ready import load_rubric
from simulator.engine.play.scoring import compile_rubric, score_reply

DATA = ROOT / "data" / "corpus" / "train" / "v1_01.yaml"
IDS_DOC = ROOT / "docs" / "dev" / "criteria-ids.md"
PER_CRITERION_IN_WORST = 3


def labelled_ids() -> list[str]:
    """The criterion ids the labeller could use: the table in docs/dev/criteria-ids.md."""
    return re.findall(r"^\| (\w+) \| (?:credit|fault) \|", IDS_DOC.read_text(encoding="utf-8"), re.M)


def load_replies(part: str = "all", data: Path = DATA) -> list[dict]:
    """All replies, or one half: `dev` (even positions) for tuning, `test` (odd) for reporting."""
    items = yaml.safe_load(data.read_text(encoding="utf-8"))["replies"]
    if part != "all":
        items = items[0 if part == "dev" else 1::2]
    for n, item in enumerate(items):
        for key in ("shows", "unsure"):
            item[key] = set(item.get(key) or ())
        if item["shows"] & item["unsure"]:
            raise SystemExit(f"reply {n}: {sorted(item['shows'] & item['unsure'])} both shown and unsure")
    return items


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def fmt(value: float | None) -> str:
    return "   —" if value is None else f"{value:4.2f}"


def f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def stake(rubric, criterion_id: str) -> float:
    """Points of 100 that one wrong verdict on this criterion can move."""
    c = rubric.by_id[criterion_id]
    if c.kind == "fault":
        return c.weight + (100 - c.cap if c.cap is not None else 0)
    target = rubric.dimensions[c.dimension].target or 1
    return min(100.0, 100.0 * c.weight / target)


def clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=15, help="how many disagreements to list (15)")
    parser.add_argument("--part", choices=["all", "dev", "test"], default="all",
                        help="dev: the even-numbered replies, for tuning the rubric; test: the odd ones, "
                             "kept unseen for reporting; all: both")
    parser.add_argument("--data", type=Path, default=DATA,
                        help=f"the labelled replies to measure against ({DATA.relative_to(ROOT)})")
    args = parser.parse_args()
    data = args.data if args.data.is_absolute() else (Path.cwd() / args.data).resolve()

    rubric = load_rubric(ROOT / "rubrics" / "standard.yaml")
    scorer = compile_rubric(rubric, rubric_only=True)
    items = load_replies(args.part, data)
    vocabulary = labelled_ids()
    unknown = sorted({x for it in items for x in it["shows"] | it["unsure"]} - set(vocabulary))
    if unknown:
        raise SystemExit(f"labels not in {IDS_DOC.name}: {unknown}")
    rubric_ids = [c.id for c in rubric.criteria]
    measured = [i for i in rubric_ids if i in vocabulary]
    missing_in_rubric = [i for i in vocabulary if i not in rubric_ids]
    unlabelled = [i for i in rubric_ids if i not in vocabulary]

    counts = {i: {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "skipped": 0} for i in measured}
    disagreements = []
    for item in items:
        score = score_reply(item["reply"], scorer)
        for result in score.results:
            cid = result.criterion
            if cid not in counts:
                continue
            if cid in item["unsure"]:
                counts[cid]["skipped"] += 1
                continue
            expected, got = cid in item["shows"], result.fired
            key = {(True, True): "tp", (False, True): "fp", (True, False): "fn", (False, False): "tn"}[(expected, got)]
            counts[cid][key] += 1
            if expected != got:
                evidence = " / ".join(f"「{e.text}」" for e in result.evidence) or "—"
                disagreements.append((item, cid, result.kind, expected, got, evidence))

    shown_path = data.relative_to(ROOT) if data.is_relative_to(ROOT) else data
    print(f"held-out replies: {len(items)} ({shown_path}); rubric: {rubric.id}, "
          f"{len(rubric_ids)} criteria, {len(measured)} measured")
    if unlabelled:
        print(f"rubric criteria with no label id (not measured): {', '.join(unlabelled)}")
    if missing_in_rubric:
        print(f"label ids the rubric does not define (not measured): {', '.join(missing_in_rubric)}")
    print()
    header = f"{'criterion':<18} {'kind':<6} {'support':>7} {'fired':>5} {'TP':>4} {'FP':>4} {'FN':>4} " \
             f"{'unsure':>6}  {'prec':>4}  {'rec':>4}  {'F1':>4}"
    print(header)
    print("-" * len(header))
    precisions, recalls, f1s = [], [], []
    total = {"tp": 0, "fp": 0, "fn": 0}
    for cid in measured:
        c = counts[cid]
        support, fired = c["tp"] + c["fn"], c["tp"] + c["fp"]
        p, r = ratio(c["tp"], fired), ratio(c["tp"], support)
        f = f1(p, r)
        for bucket, value in ((precisions, p), (recalls, r), (f1s, f)):
            if value is not None:
                bucket.append(value)
        for k in total:
            total[k] += c[k]
        print(f"{cid:<18} {rubric.by_id[cid].kind:<6} {support:>7} {fired:>5} {c['tp']:>4} {c['fp']:>4} "
              f"{c['fn']:>4} {c['skipped']:>6}  {fmt(p)}  {fmt(r)}  {fmt(f)}")
    print("-" * len(header))

    def mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    print(f"{'macro average':<18} {'':<6} {'':>7} {'':>5} {'':>4} {'':>4} {'':>4} {'':>6}  "
          f"{fmt(mean(precisions))}  {fmt(mean(recalls))}  {fmt(mean(f1s))}")
    print(f"  (precision over {len(precisions)} criteria that fired at least once, recall over "
          f"{len(recalls)} with support, F1 over {len(f1s)} with both)")
    mp = ratio(total["tp"], total["tp"] + total["fp"])
    mr = ratio(total["tp"], total["tp"] + total["fn"])
    print(f"{'micro (all pairs)':<18} {'':<6} {total['tp'] + total['fn']:>7} {total['tp'] + total['fp']:>5} "
          f"{total['tp']:>4} {total['fp']:>4} {total['fn']:>4} {'':>6}  {fmt(mp)}  {fmt(mr)}  {fmt(f1(mp, mr))}")

    for kind in ("credit", "fault"):
        ids = [i for i in measured if rubric.by_id[i].kind == kind]
        ps = [ratio(counts[i]["tp"], counts[i]["tp"] + counts[i]["fp"]) for i in ids]
        rs = [ratio(counts[i]["tp"], counts[i]["tp"] + counts[i]["fn"]) for i in ids]
        print(f"  macro over {kind}s ({len(ids)}): precision {fmt(mean([p for p in ps if p is not None]))}, "
              f"recall {fmt(mean([r for r in rs if r is not None]))}")

    disagreements.sort(key=lambda d: (-stake(rubric, d[1]), not (d[2] == "fault" and d[4]), len(d[0]["reply"])))
    shown, per = [], {}
    for d in disagreements:
        if per.get(d[1], 0) >= PER_CRITERION_IN_WORST:
            continue
        per[d[1]] = per.get(d[1], 0) + 1
        shown.append(d)
        if len(shown) == args.worst:
            break
    print()
    print(f"{len(disagreements)} disagreements in all; the {len(shown)} worst "
          f"(points at stake, at most {PER_CRITERION_IN_WORST} per criterion):")
    for n, (item, cid, kind, expected, got, evidence) in enumerate(shown, 1):
        exp = "shows" if expected else "absent"
        what = "fired" if got else "quiet"
        print(f"{n:>2}. [{cid} ({kind}), stake {stake(rubric, cid):.0f}] expected {exp}, got {what}; "
              f"evidence {evidence}")
        print(f"    {item.get('situation') or item.get('petitioner')} | {clip(item['reply'], 90)}")


if __name__ == "__main__":
    main()
