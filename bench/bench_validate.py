"""Loading and validating 1,000 generated scenarios (12 nodes each). Target: under 5 s on 2 cores.

The files are written to a temporary directory first (not timed), each with its own random
thresholds, criteria, texts and branch shapes, all valid against a generated 20-criterion rubric,
so the timing covers the whole pipeline of `simulator validate`: read, pre-scan, compose, walk,
pydantic, graph, expressions, templates, the rubric, and (as the command does, against the
shipped statute excerpts) the cited facts, their legal claims and the persona's numbers.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from _common import MIDDLES, OPENERS

from simulator.engine.check.validate import validate_paths
from simulator.engine.content.references import load_references

REFERENCES = Path(__file__).resolve().parent.parent / "references"
FACTS = [
    "facts:",
    "  accept_15: {law: 信访工作条例, article: 第二十三条第二款, quote: 应当自收到信访事项之日起15日内书面告知信访人,"
    " criteria: [time_limit]}",
    "  finish_60: {law: 信访工作条例, article: 第三十四条, quote: 应当自受理之日起60日内办结, criteria: [time_limit]}",
    "  wages: {what: 欠的工钱, says: 三万多块, product: [8, 4000]}",
]

FILES = 1000
CREDITS = ["empathy", "restate", "ask_facts", "invite_more", "verify_facts", "law_basis", "explain_honestly",
           "polite", "explain_route", "next_step", "record_details", "time_limit", "labor_route",
           "notice_warning", "safety_first"]
FAULTS = ["interrupt", "brush_off", "take_sides", "overpromise", "dismissive"]
DIMENSIONS = ["listening", "impartiality", "communication"]
SAYINGS = ["我都来第三次了，你们到底管不管？", "老板说没钱，工钱拖了八个月。", "我一家老小等着这钱过年呢！",
           "上次来你们也说会核实，结果呢？", "我们村里好几户都是这个情况。", "你别跟我打官腔，我就要个说法。",
           "合同在我这儿，你看看。", "再不给钱我就去市里。"]
ENDINGS = [("end_resolved", "resolved", "登记受理，情绪平稳离开"), ("end_unhappy", "dissatisfied", "表示还会再来"),
           ("end_escalated", "escalated", "扬言越级上访")]


def rubric_text() -> str:
    lines = ["schema_version: 1", "id: bench", "title: 基准测试评分标准", "dimensions:"]
    lines += [f"  {d}: {{label: 维度{i}}}" for i, d in enumerate(DIMENSIONS)]
    lines += ["default_expects: [empathy, verify_facts, polite]", "criteria:"]
    for i, name in enumerate(CREDITS + FAULTS):
        fault = name in FAULTS
        lines += [
            f"  - id: {name}", f"    label: 评分项{i}", f"    dimension: {DIMENSIONS[i % 3]}",
            f"    kind: {'fault' if fault else 'credit'}", f"    weight: {30 if fault else 1}",
            "    check:", f"      phrases: [短语{i}甲, 短语{i}乙]" if i % 2 else f"      regex: '说法{i}|讲法{i}'",
            f"    feedback: {{hit: 反馈{i}}}", f"    source: {{ref: 出处{i}, quote: 原文{i}}}",
            f"    golden: {{fires: [短语{i}甲 说法{i}], quiet: [无关的话]}}",
        ]
    return "\n".join(lines) + "\n"


def scenario_text(index: int, rng: random.Random) -> str:
    dialogue = [f"step_{i}" for i in range(9)]
    out = ["# yaml-language-server: $schema=../schemas/scenario.schema.json", "schema_version: 1",
           f"id: bench_{index:04d}", f"title: 基准场景{index}", f"category: 类别{index % 7}",
           f"difficulty: {rng.randint(1, 3)}", f"summary: {rng.choice(SAYINGS)}", "rubric: rubric.yaml",
           "persona:", f"  name: 来访人{index}", f"  age: {rng.randint(20, 80)}", f"  background: 工钱三万多块没拿到。{rng.choice(SAYINGS)}",
           f"  temperament: {rng.choice(['angry', 'anxious', 'calm', 'rambling'])}", "state:",
           f"  anger: {{type: int, label: 愤怒, min: 0, max: 10, initial: {rng.randint(3, 8)}}}",
           f"  trust: {{type: int, label: 信任, min: 0, max: 10, initial: {rng.randint(1, 4)}}}",
           f"  risk: {{type: int, label: 升级风险, min: 0, max: 10, initial: {rng.randint(1, 5)}}}",
           "  heard: {type: bool, label: 已倾听, initial: false}", *FACTS, f"start: {dialogue[0]}", "nodes:"]
    for position, node in enumerate(dialogue):
        later = dialogue[position + 1:] or ["end_resolved"]
        expects = rng.sample(CREDITS, rng.randint(2, 3))
        out += [f"  {node}:"]
        if rng.random() < 0.4:
            out += ["    say: |", f"      {rng.choice(SAYINGS)}", "      我{{ persona.name }}就想问问，愤怒值{{ anger }}。"]
        else:
            out += [f"    say: {rng.choice(SAYINGS)}"]
        out += ["    cites: [accept_15, finish_60]", f"    cue: {rng.choice(SAYINGS)}", f"    hint: {rng.choice(MIDDLES)}",
                f"    expects: [{', '.join(expects)}]", "    model_answers:",
                f"      - {rng.choice(OPENERS)}，{rng.choice(MIDDLES)}", f"      - {rng.choice(MIDDLES)}"]
        if rng.random() < 0.5:
            best = rng.randrange(3)
            out += ["    options:"] + [f"      - {{text: {rng.choice(MIDDLES)}{', best: true' if i == best else ''}}}"
                                        for i in range(3)]
        out += ["    effects:",
                f"      - when: passed('{expects[0]}')", f"        change: {{anger: -{rng.randint(1, 3)}, trust: {rng.randint(1, 2)}}}",
                f"        because: {rng.choice(SAYINGS)}",
                f"      - when: failed('{rng.choice(FAULTS)}') and trust >= {rng.randint(2, 8)}",
                "        set: {heard: 'true'}"]
        out += ["    next:",
                f"      - when: anger >= {rng.randint(7, 10)} or risk > {rng.randint(5, 9)}", "        goto: end_escalated",
                f"      - when: passed('{rng.choice(expects)}') and trust >= {rng.randint(3, 9)}",
                f"        goto: {rng.choice(later)}", f"      - goto: {later[0] if position < 8 else 'end_unhappy'}"]
    for node, kind, title in ENDINGS:
        out += [f"  {node}:", f"    say: {rng.choice(SAYINGS)}", f"    ending: {{kind: {kind}, title: {title}}}"]
    return "\n".join(out) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "rubric.yaml").write_text(rubric_text(), encoding="utf-8")
        rng = random.Random(2024)
        for index in range(FILES):
            (root / f"bench_{index:04d}.yaml").write_text(scenario_text(index, rng), encoding="utf-8")
        lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in root.glob("bench_*.yaml"))
        start = time.perf_counter()
        found = validate_paths([root], [root], load_references([REFERENCES]))
        elapsed = time.perf_counter() - start
    problems = [d for d in found if d.severity == "error"]
    print(f"{FILES} scenarios + 1 rubric, {lines // FILES} lines and 12 nodes per scenario")
    print(f"validate_paths: {elapsed:.2f} s total, {elapsed / FILES * 1000:.2f} ms per file "
          f"({len(found)} diagnostics, {len(problems)} errors)")
    if problems:
        print("\n".join(map(str, problems[:5])), file=sys.stderr)
        raise SystemExit(1)
    if elapsed > 5.0:
        print("slower than the 5 s target", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
