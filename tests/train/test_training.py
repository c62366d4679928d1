"""`simulator train` and `simulator calibrate --teach` on a small slice of the corpus: reproducible to
the byte, checked against scikit-learn before writing, and the instructor's replies join the corpus."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml

from simulator.cli import main
from simulator.engine.check.ready import load_rubric
from simulator.engine.play.learned.model import load_model
from simulator.train.corpus import CorpusError, corpus_version, load_corpus, load_part_file

pytest.importorskip("sklearn")  # the .[train] extra; `make test` installs it

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ROOT / "data" / "corpus" / "train"


@pytest.fixture
def small(tmp_path):
    """A corpus of four parts (three writer passes and v1, 45 replies each) and a copy of the standard
    rubric whose weights live beside it in tmp_path."""
    corpus = tmp_path / "corpus" / "train"
    corpus.mkdir(parents=True)
    for part in ("w1", "w2", "w4", "v1"):
        data = yaml.safe_load((TRAIN / f"{part}_01.yaml").read_text(encoding="utf-8"))
        data["replies"] = data["replies"][:45]
        (corpus / f"{part}_01.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    shutil.copy(ROOT / "rubrics" / "standard.yaml", rubrics / "standard.yaml")
    return tmp_path


def train(small: Path, out: Path, *extra: str) -> int:
    return main(["train", "--quick", "--jobs", "1", "--corpus", str(small / "corpus"),
                 "--rubric", str(small / "rubrics" / "standard.yaml"), "--out", str(out), *extra])


def test_training_twice_gives_the_same_bytes_and_the_engine_reads_them(small, capsys):
    first, second = small / "first.json", small / "second.json"
    assert train(small, first) == 0
    assert train(small, second) == 0
    assert first.read_bytes() == second.read_bytes()
    out = capsys.readouterr().out
    assert "标准库评分与 scikit-learn 的最大差" in out and "sha256" in out
    model = load_model(first)
    assert model.corpus_version == corpus_version(small / "corpus" / "train")
    assert "any_serious" in model.targets and model.gate is not None
    assert train(small, first, "--check") == 0  # the same corpus reproduces the file


def test_teaching_adds_the_instructors_replies_and_retrains(small, capsys):
    weights = small / "rubrics" / "standard.weights.json"
    assert train(small, weights) == 0
    before = weights.read_bytes()
    marks = small / "marks.csv"
    rows = [["id", "reply", "context", "listening", "communication", "shows", "unsure"],
            ["t1", "这口气搁谁身上也咽不下去，您坐，慢慢说。", "我跑了八趟了！", "5", "4",
             "empathy invite_more polite", ""],
            ["t2", "又是你啊，说破天也没用。", "我又来了。", "1", "1", "label、impatient", "mocking"],
            ["t3", "嗯。", "", "2", "2", "无", ""],
            ["t4", "您好，请问有什么事？", "", "3", "4", "", ""]]
    with marks.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    code = main(["calibrate", str(marks), "--teach", "--quick", "--corpus", str(small / "corpus"),
                 "--rubric", str(small / "rubrics" / "standard.yaml")])
    assert code == 0
    out = capsys.readouterr().out
    assert "之前 → 之后" in out and "教过的 3 条回复上" in out
    (part,) = sorted((small / "corpus" / "train").glob("c*_01.yaml"))
    taught = load_part_file(part)
    assert [r.reply for r in taught] == [rows[1][1], rows[2][1], rows[3][1]]
    assert taught[1].shows == {"label", "impatient"} and taught[1].unsure == {"mocking"}
    assert taught[2].shows == frozenset()
    assert weights.read_bytes() != before
    assert load_model(weights).corpus_version == corpus_version(small / "corpus" / "train")
    load_rubric(small / "rubrics" / "standard.yaml")  # still valid with the new weights


def test_a_label_that_is_not_a_criterion_is_refused_with_its_line(small, capsys):
    marks = small / "marks.csv"
    marks.write_text("id,reply,listening,shows\nx1,您好,3,empathy\nx2,嗯,1,no_such_thing\n", encoding="utf-8")
    assert main(["calibrate", str(marks), "--teach", "--corpus", str(small / "corpus"),
                 "--rubric", str(small / "rubrics" / "standard.yaml")]) == 1
    assert "marks.csv:3" in capsys.readouterr().err


def test_the_corpus_loader_names_the_file_and_the_reply(tmp_path):
    bad = tmp_path / "w9_01.yaml"
    bad.write_text("replies:\n  - id: a\n    reply: 您好\n    shows: [empathy, nonsense]\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"w9_01\.yaml.*nonsense"):
        load_corpus(tmp_path)


def test_the_v_sets_have_no_too_many_reps_labels_and_say_so():
    for name in ("v1_01.yaml", "v2_01.yaml"):
        records = load_part_file(TRAIN / name)
        assert records and all(not r.known("too_many_reps") for r in records)
    w1 = load_part_file(TRAIN / "w1_01.yaml")
    assert all(r.known("too_many_reps") or "too_many_reps" in r.unsure for r in w1)
    assert json.loads(json.dumps([r.id for r in w1]))  # ids are plain strings


def test_the_report_checks_the_manifest_and_measures_every_layer(tmp_path):
    """On a stand-in for the sealed split (two training parts): the real split is read only by the bench."""
    import hashlib

    from simulator.train.report import SealedError, markdown, measure

    stand_in = tmp_path / "sealed"
    stand_in.mkdir()
    lines = []
    for name in ("w3_08.yaml", "v2_01.yaml"):
        shutil.copy(TRAIN / name, stand_in / name)
        lines.append(f"{hashlib.sha256((TRAIN / name).read_bytes()).hexdigest()}  {name}")
    (stand_in / "SEALED.sha256").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rubric = load_rubric(ROOT / "rubrics" / "standard.yaml")
    figures = measure(rubric, stand_in)
    assert set(figures["sealed"]) == {"rubric", "learned", "combined"}
    combined = figures["sealed"]["combined"]
    assert combined["replies"] == len(load_corpus(stand_in))
    assert 0 <= combined["serious"]["recall"] <= 1 and combined["criteria"]["empathy"]["n_pos"] > 0
    table = markdown(figures, rubric)
    assert "共情安抚 `empathy`" in table and "严重问题" in table
    (stand_in / "v2_01.yaml").write_text("replies: []\n", encoding="utf-8")
    with pytest.raises(SealedError, match=r"v2_01\.yaml"):
        measure(rubric, stand_in)


def test_the_golden_part_is_the_standard_rubrics_goldens_as_reviewed():
    """g1 teaches the judge the rubric's golden replies (reviewed against the labelling guide): edit a golden,
    regenerate g1 with simulator.train.corpus.golden_part and run simulator train."""
    from simulator.engine.content.loader import load_file
    from simulator.train.corpus import CRITERIA, golden_labels, load_part_file

    rubric = load_file(ROOT / "rubrics" / "standard.yaml", "rubric").model
    part = load_part_file(TRAIN / "g1_01.yaml")
    stored = {r.reply: ({c for c in CRITERIA if r.known(c)}, set(r.shows)) for r in part}
    wanted = {reply: ({c for c in verdicts if c in CRITERIA}, {c for c, on in verdicts.items() if on and c in CRITERIA})
              for reply, verdicts in golden_labels(rubric).items() if any(c in CRITERIA for c in verdicts)}
    assert stored == wanted, "data/corpus/train/g1_01.yaml differs from the standard rubric's goldens as reviewed"
    assert stored["您说。"] == ({"empathy", "polite"}, {"polite"})  # 您 to the petitioner is polite (the guide)
