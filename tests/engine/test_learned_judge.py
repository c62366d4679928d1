"""The learned layer as shipped: loaded on first use, exact, current, pointing at words, never crediting
and faulting the same words; and the rubric's rules deciding which layer judges each criterion."""
from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from simulator.engine.check.ready import load_rubric
from simulator.engine.content.loader import load_text
from simulator.engine.play.learned.features import reply_grams
from simulator.engine.play.learned.model import load_model
from simulator.engine.play.scoring import compile_rubric, score_reply
from simulator.engine.play.text import normalize
from simulator.train.corpus import CRITERIA, corpus_version, load_corpus

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "corpus"
RUBRIC = load_rubric(ROOT / "rubrics" / "standard.yaml")
assert RUBRIC.learned is not None
WEIGHTS = RUBRIC.learned.path(RUBRIC.learned.weights)
SAMPLE = load_corpus(CORPUS / "train")[::9]  # ~480 replies from every part, in every register


@pytest.fixture(scope="module")
def standard():
    return compile_rubric(RUBRIC)


@pytest.fixture(scope="module")
def learned_everywhere():
    """The standard rubric with the learned layer deciding every criterion it has a model for."""
    from simulator.train.report import every_rule_learned

    return compile_rubric(every_rule_learned(RUBRIC.model_copy(update={"learned": RUBRIC.learned.model_copy(
        update={"rules": dict.fromkeys(CRITERIA, "learned")})})))


def test_the_weights_load_on_the_first_reply_scored_not_on_import():
    code = ("from pathlib import Path\n"
            "from simulator.engine.check.ready import load_rubric\n"
            "from simulator.engine.play.learned.model import _load\n"
            "from simulator.engine.play.scoring import compile_rubric, score_reply\n"
            "compiled = compile_rubric(load_rubric(Path('rubrics/standard.yaml')))\n"
            "before = _load.cache_info().currsize\n"
            "score_reply('您好', compiled)\n"
            "print(before, _load.cache_info().currsize)\n")
    # loading a rubric validates it, and validation reads the weights (it checks them): the runtime's
    # own import and compile must not
    plain = ("import simulator.engine.play.session\n"
             "from simulator.engine.play.learned.model import _load\n"
             "print(_load.cache_info().currsize)\n")
    assert subprocess.run([sys.executable, "-c", plain], capture_output=True, text=True, cwd=ROOT,
                          check=True).stdout.split() == ["0"]
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert loaded.stdout.split()[-1] == "1"


def test_the_weights_were_trained_on_the_corpus_as_it_is():
    model = load_model(WEIGHTS)
    assert model.corpus_version == corpus_version(CORPUS / "train"), (
        "the weights are stale: data/corpus/train changed since they were trained; run `simulator train`")


def test_the_sealed_split_is_byte_for_byte_what_its_manifest_says():
    sealed = CORPUS / "sealed"
    listed = {name: digest for digest, name in
              (line.split() for line in (sealed / "SEALED.sha256").read_text(encoding="utf-8").splitlines())}
    files = sorted(p.name for p in sealed.glob("*.yaml"))
    assert files == sorted(listed)
    assert len(files) == 15  # the second sealed split: s3, s4, s5 (five files each)
    for name in files:
        assert hashlib.sha256((sealed / name).read_bytes()).hexdigest() == listed[name], name


def test_packed_sums_equal_a_plain_sum_over_the_weights_file():
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    model = load_model(WEIGHTS)
    idf = {g: row[0] for g, row in data["weighted"].items()} | data["idf_only"]
    for record in SAMPLE[:25]:
        text = normalize(record.reply).text
        counts = Counter(reply_grams(text, model.n_min, model.n_max))
        norm = math.sqrt(sum((c * idf.get(g, 0.0)) ** 2 for g, c in counts.items()))
        sums = [0.0] * len(model.targets)
        for gram, count in counts.items():
            row = data["weighted"].get(gram, [])
            for k, q in zip(row[1::2], row[2::2]):
                sums[k] += count * q * data["weight_scale"]
        probs = model.score(normalize(record.reply)).probs
        for target, total, bias in zip(model.targets, sums, model.intercepts):
            assert probs[target] == pytest.approx(1 / (1 + math.exp(-(total / norm ** model.power + bias))), abs=1e-9)


def test_evidence_is_the_reply_as_typed(standard):
    for reply in ("师傅 ，你这事“不归我们管”？ＯＫ，有本事你去告 啊", "又是你啊，你这事早就复核完了，说破天也没用。",
                  "您放心，我回头让厂长自己查查是谁反映的，查清楚了就好办。"):
        for result in score_reply(reply, standard).results:
            for evidence in result.evidence:
                assert reply[evidence.start:evidence.end] == evidence.text and evidence.text.strip()


def test_no_words_are_both_credited_and_faulted(standard):
    for record in SAMPLE:
        score = score_reply(record.reply, standard, None, record.petitioner)
        credited = [e for r in score.hits for e in r.evidence]
        faulted = [e for r in score.flags for e in r.evidence]
        overlap = [(c.text, f.text) for c in credited for f in faulted if c.start < f.end and f.start < c.end]
        assert overlap == [], record.reply


def test_learned_verdicts_point_at_words_when_confident(learned_everywhere):
    fired = shown = 0
    for record in SAMPLE:
        for result in score_reply(record.reply, learned_everywhere, None, record.petitioner).results:
            if result.fired and result.by == "learned":
                fired += 1
                shown += bool(result.evidence)
    assert fired > 300
    assert shown / fired >= 0.6, f"{shown}/{fired} learned verdicts point at words"


def test_every_criterion_says_which_layer_decided(standard):
    rules = RUBRIC.learned.rules
    score = score_reply("您先坐，这事我们管，我先登记一下。", standard)
    for result in score.results:
        if rules.get(result.criterion, "rubric") == "learned":
            assert result.by == "learned"
        elif rules.get(result.criterion, "rubric") == "rubric":
            assert result.by == "rubric"
        else:
            assert result.by in ("learned", "rubric", "both")


def test_an_instructors_rubric_without_a_learned_block_is_judged_by_its_checks():
    mini = load_text((ROOT / "tests" / "data" / "mini_rubric.yaml").read_text(encoding="utf-8")).model
    score = score_reply("您先别着急，这事不归我们管。", compile_rubric(mini))
    assert {r.by for r in score.results} == {"rubric"}


def test_rubric_only_scoring_leaves_the_learned_layer_out():
    compiled = compile_rubric(RUBRIC, rubric_only=True)
    score = score_reply("这口气搁谁身上也咽不下去，八个月的工钱，您一样一样跟我说。", compiled)
    assert {r.by for r in score.results} == {"rubric"}


def test_no_words_are_both_credited_and_faulted_with_the_learned_layer_everywhere(learned_everywhere):
    for record in SAMPLE:
        score = score_reply(record.reply, learned_everywhere, None, record.petitioner)
        credited = [e for r in score.hits for e in r.evidence]
        faulted = [e for r in score.flags for e in r.evidence]
        assert not [(c, f) for c in credited for f in faulted if c.start < f.end and f.start < c.end], record.reply


def test_the_rules_name_labelled_criteria_and_the_weights_can_serve_any_rule():
    """The rubric switches a criterion to the learned layer by its rule alone: no retraining."""
    assert set(RUBRIC.learned.rules) <= set(CRITERIA)
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    assert set(data["thresholds"]) | set(data["serious_gate"]["criteria"]) == set(CRITERIA)
    assert set(RUBRIC.learned.rules.values()) <= {"rubric", "learned", "either", "both"}
