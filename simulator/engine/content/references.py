"""The statute excerpts scenarios cite: references/laws/<id>.md, parsed into Laws.

Each file is YAML front matter (id, title, version, source, complete, articles) and then one
`## 第X条` section per article, its paragraphs (款, and items （一）（二）…) separated by blank lines,
copied verbatim from the source named in the front matter. A scenario's legal fact names a law by
its title (「信访工作条例」), its title without 「中华人民共和国」 (「民法典」) or its id.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .library import ContentError

ARTICLE_HEADING = re.compile(r"^## (第[零〇一二两三四五六七八九十百千]+条)[ \t]*$", re.M)
ARTICLE_REF = re.compile(r"^(第[零〇一二两三四五六七八九十百千]+条)(?:第([一二三四五六七八九十]+)款)?$")
NATIONAL_PREFIX = "中华人民共和国"
ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
WHITESPACE = re.compile(r"\s+")
ELLIPSIS = re.compile(r"…+|\.{3,}")


def squeeze(text: str) -> str:
    """Text with every whitespace run removed: statute words compare this way (Chinese has no spaces)."""
    return WHITESPACE.sub("", text)


def short_title(title: str) -> str:
    """「中华人民共和国民法典」 -> 「民法典」; other titles unchanged; 《》 around a name dropped."""
    title = title.strip().strip("《》")
    return title[len(NATIONAL_PREFIX):] if title.startswith(NATIONAL_PREFIX) else title


@dataclass(frozen=True)
class Law:
    """One statute excerpt: its articles' paragraphs in order, and where the text came from."""

    id: str
    title: str
    version: str
    source: Mapping[str, Any]
    complete: bool
    articles: Mapping[str, tuple[str, ...]]  # 「第二十二条」 -> paragraphs
    path: str = ""

    @property
    def short(self) -> str:
        return short_title(self.title)

    def paragraphs(self, article: str) -> tuple[str, ...] | None:
        """The paragraphs a citation points at: the whole article, or one 款 of it; None if absent.

        A 款 is counted only in articles without items: items （一）（二）… sit between 款 and would
        make the count ambiguous, so there the whole article stands for any of its 款.
        """
        match = ARTICLE_REF.match(article)
        if match is None or match.group(1) not in self.articles:
            return None
        paragraphs = self.articles[match.group(1)]
        if match.group(2) is None or any(ITEM.match(p) for p in paragraphs):
            return paragraphs
        number = chinese_small_number(match.group(2))
        return (paragraphs[number - 1],) if 0 < number <= len(paragraphs) else None

    def contains(self, article: str, quote: str) -> bool:
        """Whether the quoted words occur in the cited article (or 款), whitespace aside.

        An ellipsis (……) in the quote skips words: each piece must occur, in order.
        """
        paragraphs = self.paragraphs(article)
        if paragraphs is None:
            return False
        text, at = squeeze("\n".join(paragraphs)), 0
        pieces = [p for p in ELLIPSIS.split(squeeze(quote)) if p]
        for piece in pieces:
            found = text.find(piece, at)
            if found < 0:
                return False
            at = found + len(piece)
        return bool(pieces)


@dataclass(frozen=True)
class References:
    """Every shipped law, found by id, title or short title."""

    laws: tuple[Law, ...] = ()
    _names: dict[str, Law] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for law in self.laws:
            for name in (law.id, law.title, law.short):
                self._names.setdefault(name, law)

    def find(self, name: str) -> Law | None:
        return self._names.get(name.strip()) or self._names.get(short_title(name))

    @property
    def names(self) -> list[str]:
        """The names an author may write (for did-you-mean hints)."""
        return sorted({law.short for law in self.laws})


def chinese_small_number(text: str) -> int:
    """一..九十九 as an int (款 and item numbers)."""
    digits = "零一二三四五六七八九"
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.index(tens) if tens else 1) * 10 + (digits.index(ones) if ones else 0)
    return digits.index(text)


def parse_law(text: str, path: str = "<text>") -> Law:
    """One excerpt file; ContentError (one line, with the path) when it is not in the format."""
    if not text.startswith("---\n"):
        raise ContentError(f"{path}: 法规摘录须以 YAML 前言（---）开头")
    try:
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
    except (ValueError, yaml.YAMLError) as error:
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ContentError(f"{path}: 法规摘录的前言无法读取：{reason}") from None
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), str) for k in ("id", "title")):
        raise ContentError(f"{path}: 法规摘录的前言须有 id 与 title")
    parts = ARTICLE_HEADING.split(body)
    articles: dict[str, tuple[str, ...]] = {}
    for heading, section in zip(parts[1::2], parts[2::2]):
        paragraphs = tuple(p.strip() for p in section.strip().split("\n\n") if p.strip())
        if heading in articles or not paragraphs:
            raise ContentError(f"{path}: {heading} 重复或没有内容")
        articles[heading] = paragraphs
    listed = meta.get("articles")
    if listed is not None and list(listed) != list(articles):
        raise ContentError(f"{path}: 前言的 articles 与正文的条目不一致")
    return Law(meta["id"], meta["title"], str(meta.get("version", "")), meta.get("source") or {},
               bool(meta.get("complete", False)), articles, path)


def law_files(folders: Iterable[Path]) -> list[Path]:
    """The excerpt files under each folder's laws/ (folders that do not exist are skipped)."""
    return [path for folder in folders for path in sorted((Path(folder) / "laws").glob("*.md"))]


def load_references(folders: Sequence[Path]) -> References:
    """The laws in `folders` (searched in order: a later file with an id already seen is an error)."""
    laws: dict[str, Law] = {}
    for path in law_files(folders):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ContentError(f"{path}: 无法读取法规摘录：{error}") from None
        law = parse_law(text, str(path))
        if law.id != path.stem:
            raise ContentError(f"{path}: 文件名须与 id（{law.id}）一致")
        if law.id in laws:
            raise ContentError(f"{path}: 法规 {law.id} 已在 {laws[law.id].path} 中收录")
        laws[law.id] = law
    return References(tuple(laws.values()))
