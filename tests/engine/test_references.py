"""references/laws/: the statute excerpts, their format, their lookup, and that only what is cited ships."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.engine.check.statutes import REGULATION, RUBRIC_SOURCE
from simulator.engine.content.library import ContentError, yaml_files
from simulator.engine.content.loader import load_file
from simulator.engine.content.references import ARTICLE_REF, load_references, parse_law

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = load_references([ROOT / "references"])
PINNED = "2f4c5c23716267af9dbebbbbd6cbbf732b101981"

LAW = """---
id: demo
title: 中华人民共和国示例法
articles:
- 第一条
- 第二条
---

## 第一条

第一款的话，有  空白。

第二款的话：15日内书面告知。

## 第二条

（一）第一项；

（二）第二项。
"""


def test_every_excerpt_names_its_source_and_lists_its_articles():
    assert len(REFERENCES.laws) >= 20
    for law in REFERENCES.laws:
        assert Path(law.path).stem == law.id
        assert law.source["repo"] == "LawRefBook/Laws" and law.source["commit"] == PINNED, law.id
        assert law.source["path"] and law.version, law.id
        assert law.articles and all(ARTICLE_REF.match(a) for a in law.articles), law.id


def test_the_2022_regulation_ships_whole():
    regulation = REFERENCES.find(REGULATION)
    assert regulation is not None and regulation.complete
    assert len(regulation.articles) == 50 and "第五十条" in regulation.articles
    assert "代表人数不得超过5人" in "".join(regulation.articles["第二十条"])


def test_a_law_is_found_by_title_short_title_or_id():
    civil = REFERENCES.find("中华人民共和国民法典")
    assert civil is not None
    assert REFERENCES.find("民法典") is civil and REFERENCES.find("《民法典》") is civil
    assert REFERENCES.find(civil.id) is civil
    assert REFERENCES.find("信访条例") is None


def test_quotes_match_whitespace_aside_and_may_skip_words_with_an_ellipsis():
    law = parse_law(LAW, "demo.md")
    assert law.contains("第一条", "第一款的话，有空白")
    assert law.contains("第一条", "第一款的话……15日内书面告知")
    assert not law.contains("第一条", "15日内书面告知……第一款的话")  # pieces in order
    assert not law.contains("第一条", "第三款")
    assert not law.contains("第一条", "")


def test_a_paragraph_is_counted_only_where_the_article_has_no_items():
    law = parse_law(LAW, "demo.md")
    assert law.paragraphs("第一条第二款") == ("第二款的话：15日内书面告知。",)
    assert law.contains("第一条第二款", "15日内") and not law.contains("第一条第一款", "15日内")
    assert law.paragraphs("第一条第三款") is None
    assert law.paragraphs("第二条第二款") == law.articles["第二条"]  # items: the whole article stands
    assert law.paragraphs("第三条") is None


@pytest.mark.parametrize(("text", "problem"), [
    ("no front matter", "前言"),
    ("---\ntitle: 缺编号\n---\n## 第一条\n\n话\n", "id 与 title"),
    ("---\nid: demo\ntitle: 示例\narticles: [第二条]\n---\n## 第一条\n\n话\n", "articles"),
    ("---\nid: demo\ntitle: 示例\n---\n## 第一条\n\n话\n\n## 第一条\n\n又一条\n", "重复"),
    ("---\nid: [demo\n---\n", "无法读取"),
])
def test_a_malformed_excerpt_is_one_line_naming_the_file(text, problem):
    with pytest.raises(ContentError) as caught:
        parse_law(text, "laws/demo.md")
    assert "laws/demo.md" in str(caught.value) and problem in str(caught.value)
    assert "\n" not in str(caught.value)


def test_user_excerpts_join_the_shipped_ones_and_may_not_reuse_an_id(tmp_path):
    mine = tmp_path / "laws"
    mine.mkdir()
    (mine / "demo.md").write_text(LAW, encoding="utf-8")
    both = load_references([ROOT / "references", tmp_path])
    assert both.find("示例法") is not None and both.find(REGULATION) is not None
    (mine / "xinfang_2022.md").write_text(LAW.replace("id: demo", "id: xinfang_2022"), encoding="utf-8")
    with pytest.raises(ContentError, match="已在"):
        load_references([ROOT / "references", tmp_path])
    (mine / "xinfang_2022.md").unlink()
    (mine / "other.md").write_text(LAW, encoding="utf-8")  # the id must be the file's name
    with pytest.raises(ContentError, match="文件名"):
        load_references([tmp_path])


def cited_articles() -> dict[str, set[str]]:
    """Law id -> the articles the bundled scenarios' facts and the rubric's sources cite."""
    cited: dict[str, set[str]] = {}

    def cite(name: str, article: str) -> None:
        law = REFERENCES.find(name)
        assert law is not None, name
        cited.setdefault(law.id, set()).add(ARTICLE_REF.match(article).group(1))

    for path in yaml_files([ROOT / "scenarios"]):
        for fact in load_file(path).model.facts.values():
            if fact.law:
                cite(fact.law, fact.article)
    for criterion in load_file(ROOT / "rubrics" / "standard.yaml").model.criteria:
        match = RUBRIC_SOURCE.match(criterion.source.ref)
        if match:
            cite(REGULATION if match.group("law") == "条例" else match.group("law"), match.group("article"))
    return cited


def test_only_what_the_library_cites_is_shipped_and_the_regulation_whole():
    cited = cited_articles()
    for law in REFERENCES.laws:
        if law.id == "xinfang_2022":
            assert cited[law.id] <= set(law.articles)
            continue
        assert set(law.articles) == cited.get(law.id, set()), law.id
