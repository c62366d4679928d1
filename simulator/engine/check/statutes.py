"""Statute words (SC401-SC403): a cited law is shipped, its article is in the excerpt, the quote is in it.

The same check holds for a scenario's legal facts and for a rubric criterion whose `source` cites
a law (「信访工作条例第二十八条」); the source document's passages (「篇一·…」) are not shipped and
are left alone. An in-story document (a unit's own rule) has no excerpt: its words must come from
the scenario itself, where the petitioner shows it.
"""
from __future__ import annotations

import re

from ..content.loader import DataPath
from ..content.model import Fact, Rubric
from ..content.references import ARTICLE_REF, References, short_title, squeeze
from .findings import Findings, did_you_mean
from .texts import Text

RUBRIC_SOURCE = re.compile(r"^《?(?P<law>[^《》第]{2,40}?)》?(?P<article>第[零〇一二两三四五六七八九十百千]+条"
                           r"(?:第[一二三四五六七八九十]+款)?)")
REGULATION = "信访工作条例"  # what 「条例第二十条」 means in this product


def check_statute(law_name: str, article: str, quote: str, where: DataPath, references: References,
                  report: Findings, keys: tuple[str, str, str] = ("law", "article", "quote")) -> None:
    """SC401-SC403 for one citation; `keys` name the fields to point at (law, article, quote)."""
    law = references.find(law_name)
    if law is None:
        report.add("SC401", f"没有收录法规「{law_name}」{did_you_mean(short_title(law_name), references.names)}"
                   "（收录的法规在 references/laws/）", where + (keys[0],))
        return
    if law.paragraphs(article) is None:
        head = ARTICLE_REF.match(article)
        what = "没有这一款" if head and head.group(1) in law.articles else "没有收录这一条"
        shipped = "、".join(list(law.articles)[:12]) + ("……" if len(law.articles) > 12 else "")
        report.add("SC402", f"《{law.short}》的摘录中{what}：{article}（收录的条目：{shipped}）", where + (keys[1],))
        return
    if not squeeze(quote) or not law.contains(article, quote):
        report.add("SC403", f"引文不在《{law.short}》{article}中：「{quote}」（须与原文一字不差，只统一空白；"
                   "省略处写「……」）", where + (keys[2],))


def check_document(fact: Fact, texts: tuple[Text, ...], where: DataPath, report: Findings) -> None:
    """An in-story document's quoted words must appear where the story shows the document."""
    if not fact.quote:
        return
    words = squeeze(fact.quote)
    if not any(words in squeeze(text.text) for text in texts if text.role == "persona"):
        report.add("SC403", f"《{fact.document}》是剧情中的文件，它的原文「{fact.quote}」应出自来访人的话或背景，"
                   "但场景中没有这句", where + ("quote",))


def check_rubric_sources(rubric: Rubric, references: References, report: Findings) -> None:
    """A criterion whose source cites a law article: the quote must be that article's words."""
    for index, criterion in enumerate(rubric.criteria):
        match = RUBRIC_SOURCE.match(criterion.source.ref.strip())
        if match is None:
            continue
        name = REGULATION if match.group("law") == "条例" else match.group("law")
        check_statute(name, match.group("article"), criterion.source.quote, ("criteria", index, "source"),
                      references, report, keys=("ref", "ref", "quote"))
