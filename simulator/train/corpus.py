"""The labelled corpus (data/corpus/): its parts, its replies and its version.

Layout (see data/corpus/README.md):
  train/<part>_<NN>.yaml    training side: writer passes w1, w2, ...; the earlier held-out sets v1,
                            v2; instructors' calibration marks (c<date>...). A part is the file
                            name before the first "_".
  sealed/                   the sealed test split: read by bench/bench_judge.py only, never here.

A part file: `replies:` (id, scenario, node, situation, petitioner, reply, shows, unsure) and
optionally `unlabelled: [criterion, ...]`, the criteria its labeller did not have (they count as
unknown there, not as negative), for the whole part or for one reply (`known: [...]` on a reply
says the opposite: only these are labelled). A (reply, criterion) pair that is `unsure` or
unlabelled is left out of training and of every figure.

`golden_part(rubric)` turns a rubric's golden replies into a part (g1 for the standard rubric):
each reply labelled only for the criteria its golden tests name (the goldens carry the trainer's
review against the labelling guide).

Writer passes (parts named w + digits) are the folds of leave-one-pass-out: a new writer is the
honest stand-in for new wording. Every other part always trains.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CREDITS = ("empathy", "restate", "ask_facts", "invite_more", "verify_facts", "law_basis", "explain_honestly",
           "polite", "explain_route", "next_step", "record_details", "time_limit", "litigation_route",
           "labor_route", "mediation_route", "representatives", "confidentiality", "notice_warning",
           "safety_first")
FAULTS = ("interrupt", "brush_off", "take_sides", "overpromise", "label", "dismissive", "impatient", "mocking",
          "provoke", "wrong_time_limit", "too_many_reps", "wrong_route", "leak_reporter")
CRITERIA = CREDITS + FAULTS
FOLD = re.compile(r"^w\d+$")
FIELDS = ("id", "scenario", "node", "situation", "petitioner", "reply", "shows", "unsure")


class CorpusError(ValueError):
    """A part file that does not read as the corpus format; the message names the file and the reply."""


@dataclass(frozen=True)
class Record:
    part: str  # w1, v2, c20261203, ...
    id: str
    petitioner: str  # what the petitioner just said (else the situation line)
    reply: str
    shows: frozenset[str]
    unsure: frozenset[str]
    unlabelled: frozenset[str] = field(default_factory=frozenset)
    scenario: str | None = None
    node: str | None = None

    def known(self, criterion: str) -> bool:
        """Whether this reply says something sure about `criterion` (labelled, and not unsure)."""
        return criterion not in self.unsure and criterion not in self.unlabelled


def part_of(path: Path) -> str:
    return path.stem.split("_")[0]


def part_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.yaml") if p.is_file())


def load_part_file(path: Path) -> list[Record]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CorpusError(f"{path}: 无法读取（{error}）") from None
    if not isinstance(data, dict) or not isinstance(data.get("replies"), list):
        raise CorpusError(f"{path}: 应有 replies: 列表")
    part = part_of(path)
    unlabelled = frozenset(data.get("unlabelled") or ())
    records = []
    for number, item in enumerate(data["replies"], 1):
        where = f"{path.name} 第 {number} 条"
        if not isinstance(item, dict) or not isinstance(item.get("reply"), str) or not item["reply"].strip():
            raise CorpusError(f"{path}: {where} 缺少 reply")
        shows, unsure = frozenset(item.get("shows") or ()), frozenset(item.get("unsure") or ())
        unknown = sorted((shows | unsure | unlabelled) - set(CRITERIA))
        if unknown:
            raise CorpusError(f"{path}: {where} 有未知的评分项 {unknown}")
        if shows & unsure:
            raise CorpusError(f"{path}: {where} 的 {sorted(shows & unsure)} 既在 shows 又在 unsure")
        petitioner = str(item.get("petitioner") or "") or str(item.get("situation") or "")
        missing = unlabelled
        if item.get("known") is not None:
            missing = missing | (frozenset(CRITERIA) - frozenset(item["known"]))
        records.append(Record(part, str(item.get("id") or f"{part}-{number}"), petitioner, item["reply"],
                              shows, unsure, missing, item.get("scenario"), item.get("node")))
    return records


def load_corpus(folder: Path) -> list[Record]:
    """Every reply of every part file in `folder` (train/), in file order."""
    files = part_files(folder)
    if not files:
        raise CorpusError(f"{folder}: 没有语料文件（*.yaml）")
    return [record for path in files for record in load_part_file(path)]


def corpus_version(folder: Path) -> str:
    """The corpus version: sha256 over the names and bytes of train/'s part files (first 16 hex digits).

    Any edit to a reply or a label, or a new part, gives a new version; the weights record the
    version they were trained on and a test fails when it is no longer the corpus's."""
    digest = hashlib.sha256()
    for path in part_files(folder):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def folds(records: Iterable[Record]) -> tuple[str, ...]:
    """The writer passes, in order: the folds of leave-one-pass-out."""
    return tuple(sorted({r.part for r in records if FOLD.match(r.part)}, key=lambda p: int(p[1:])))


def label(record: Record, members: Sequence[str]) -> int | None:
    """1 if the reply shows any of `members`, 0 if it surely shows none, None if unknown."""
    if any(m in record.shows for m in members):
        return 1
    if any(not record.known(m) for m in members):
        return None
    return 0


def golden_labels(rubric: Any) -> dict[str, dict[str, bool]]:
    """reply -> {criterion: shows it} for every golden reply (criterion goldens, then whole-reply tests)."""
    expected: dict[str, dict[str, bool]] = {}
    for criterion in rubric.criteria:
        for reply in criterion.golden.fires:
            expected.setdefault(reply, {})[criterion.id] = True
        for reply in criterion.golden.quiet:
            expected.setdefault(reply, {})[criterion.id] = False
    for test in rubric.tests:
        for criterion_id, verdict in test.expect.items():
            expected.setdefault(test.reply, {})[criterion_id] = verdict == "fires"
    return expected


def golden_part(rubric: Any, part: str = "g1") -> str:
    """The rubric's golden replies as a corpus part's YAML text (see `golden_labels`).

    A reply named by several goldens is one item: `shows` the criteria it must fire, `known` every
    criterion a golden names for it (the others stay unlabelled, neither shown nor absent)."""
    expected = golden_labels(rubric)
    replies = []
    for number, (reply, verdicts) in enumerate(expected.items(), 1):
        labelled = [c for c in CRITERIA if c in verdicts]
        if labelled:
            replies.append({"id": f"{part}-{number:04d}", "scenario": None, "node": None, "situation": None,
                            "petitioner": "", "reply": reply, "shows": [c for c in labelled if verdicts[c]],
                            "unsure": [], "known": labelled})
    header = (f"# {part} — the golden replies of rubrics/{rubric.id}.yaml (criterion goldens and whole-reply tests),\n"
              "# reviewed against the labelling guide; each reply is labelled only for the criteria its goldens name.\n"
              "# Generated by simulator.train.corpus.golden_part; a test keeps it equal to the rubric's goldens.\n"
              "# Always in training, never a leave-one-pass-out fold:\n"
              "# it teaches the stock phrasings instructors wrote down.\n")
    return header + yaml.safe_dump({"replies": replies}, allow_unicode=True, sort_keys=False,
                                   default_flow_style=None, width=100000)
