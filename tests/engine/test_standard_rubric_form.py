"""rubrics/standard.yaml stays reviewable: every word list is written once, as a named family.

A reviewer should be able to add a word to a family in one place. These checks read the file
as authored (not the expanded regexes): no alternation is written twice anywhere, the clause
gap is only ever a named gap, no line runs past 300 characters outside an escape-hatch `regex:`,
and every family carries examples and near misses (which `simulator test` runs).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import yaml

from simulator.engine.play.lexicon import is_reference

STANDARD = Path(__file__).resolve().parents[2] / "rubrics" / "standard.yaml"
CLAUSE_CLASS = "[^,.!?;:。…]"
# 'At the start / end of a clause' and the like: zero-width lookarounds, not gaps.
ANCHOR = re.compile(r"\(\?<?[!=]\[\^,\.!\?;:。…\][^()]*\)")


def authored_patterns(data: dict) -> Iterator[tuple[str, str, bool]]:
    """(where, pattern, is an escape-hatch regex) for every pattern an author wrote."""
    for name, family in data["lexicon"]["families"].items():
        for pattern in family.get("patterns") or ():
            yield f"family {name}", pattern, False

    def items(seq: list, where: str) -> Iterator[tuple[str, str, bool]]:
        for item in seq:
            if isinstance(item, list):
                yield from items(item, where)
            elif isinstance(item, dict):
                for key, value in item.items():
                    if key == "unless":
                        yield from items(value, where)
            elif not is_reference(item):
                yield where, item, False

    def walk(check: dict, where: str) -> Iterator[tuple[str, str, bool]]:
        if "seq" in check:
            yield from items(check["seq"], where)
        for key in ("regex", "not_regex"):
            if key in check:
                yield where, check[key], True
        for key in ("any", "all", "of"):
            for child in check.get(key) or ():
                yield from walk(child, where)
        if "not" in check:
            yield from walk(check["not"], where)

    for criterion in data["criteria"]:
        yield from walk(criterion["check"], criterion["id"])


def alternations(pattern: str) -> Iterator[frozenset[str]]:
    """The alternatives of every group (and of the whole pattern) that has more than one."""
    stack: list[int] = []
    bodies = [pattern]
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            stack.append(index)
        elif char == ")":
            body = pattern[stack.pop():index + 1]
            bodies.append(re.sub(r"^\((\?(:|P<\w+>|<?[=!]))?", "", body)[:-1])
        index += 1
    for body in bodies:
        parts = top_level_split(body)
        if len(parts) > 1:
            yield frozenset(parts)


def top_level_split(body: str) -> list[str]:
    parts, current, depth, index, in_class = [], "", 0, 0, False
    while index < len(body):
        char = body[index]
        if char == "\\":
            current += body[index:index + 2]
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(current)
            current = ""
            index += 1
            continue
        current += char
        index += 1
    return [*parts, current]


def data() -> dict:
    return yaml.safe_load(STANDARD.read_text(encoding="utf-8"))


def test_no_alternation_is_written_twice():
    seen: defaultdict[frozenset[str], list[str]] = defaultdict(list)
    for where, pattern, _ in authored_patterns(data()):
        for alternatives in alternations(pattern):
            seen[alternatives].append(where)
    repeated = {"|".join(sorted(k)): v for k, v in seen.items() if len(v) > 1}
    assert repeated == {}, "make these families: " + str(repeated)


def test_the_clause_gap_is_only_a_named_gap():
    written = [where for where, pattern, escape in authored_patterns(data())
               if not escape and CLAUSE_CLASS in ANCHOR.sub("", pattern)]
    assert written == []
    gaps = data()["lexicon"]["gaps"]
    assert "clause" in gaps and gaps["clause"].get("clause", False) is False


def test_escape_hatch_regexes_are_few_and_only_where_a_family_cannot_say_it():
    escapes = [(where, pattern) for where, pattern, escape in authored_patterns(data()) if escape]
    assert len(escapes) <= 8, escapes
    for where, pattern in escapes:  # each needs a back reference: "the same word again"
        assert re.search(r"\\1|\(\?P=", pattern), (where, pattern)


def test_no_line_runs_past_300_characters_outside_an_escape_hatch_regex():
    long = [number for number, line in enumerate(STANDARD.read_text(encoding="utf-8").split("\n"), 1)
            if len(line) > 300 and not re.match(r"\s*(- )?(not_)?regex:", line)]
    assert long == []


def test_every_family_carries_examples_and_near_misses():
    families = data()["lexicon"]["families"]
    assert len(families) >= 100
    lacking = [name for name, family in families.items() if not family.get("examples") or not family.get("near_misses")]
    assert lacking == []


def test_the_reported_party_is_one_family():
    text = STANDARD.read_text(encoding="utf-8")
    assert text.count("村主任|主任|厂长|老板|经理") == 1  # the official list, once, inside reported_official
    assert "reported_party" in data()["lexicon"]["families"]


def test_every_family_and_gap_is_described_for_instructors():
    guide = (STANDARD.parents[1] / "docs" / "rubric.md").read_text(encoding="utf-8")
    lexicon = data()["lexicon"]
    missing = [name for name in [*lexicon["families"], *lexicon["gaps"]] if f"| `{name}` |" not in guide]
    assert missing == []
