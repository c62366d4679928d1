"""Text typed by a trainee shows literally in both debriefs and can never become markup or script."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from report_helpers import HOSTILE, HOSTILE_NAME

from simulator.reports.render import escape_md, render_session_html, render_session_md

SECOND = "请您放心，我们会核实情况。这不归我们管\n第二行 <i>x</i>"


class Page(HTMLParser):
    """Every element and attribute, and the text inside elements of chosen classes."""

    def __init__(self, watch: str = "reply"):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.watch, self.depth, self.watched, self.text = watch, 0, [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += 1
        elif self.watch in classes:
            self.depth = 1
            self.watched.append("")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self.depth:
            self.watched[-1] += data


def parse(html: str, watch: str = "reply") -> Page:
    page = Page(watch)
    page.feed(html)
    page.close()
    return page


def assert_inert(page: Page) -> None:
    assert not [t for t, _ in page.tags if t in {"script", "iframe", "object", "embed", "img", "link", "base"}]
    handlers = [(t, a) for t, attrs in page.tags for a, _ in attrs if a.lower().startswith("on")]
    assert handlers == []
    links = [v for _, attrs in page.tags for a, v in attrs if a in ("href", "src") and v]
    assert not [v for v in links if "javascript:" in v.lower() or "://" in v]


def test_html_shows_the_reply_exactly_as_typed_and_runs_nothing(hostile_record):
    html = render_session_html(hostile_record)
    page = parse(html)
    assert_inert(page)
    assert page.watched == ["学员：" + HOSTILE, "学员：" + SECOND]  # literal, highlighting and all
    text = "".join(page.text)
    assert HOSTILE_NAME in text and "{{ 7*7 }}" in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in "".join(page.watched)


def test_html_highlights_evidence_from_escaped_pieces(hostile_record):
    html = render_session_html(hostile_record)
    page = parse(html)
    marks = [dict(a) for t, a in page.tags if t == "mark"]
    assert {"class": "hit", "title": "共情"} in marks and {"class": "hit", "title": "礼貌"} in marks
    assert {"class": "flag", "title": "推诿"} in marks
    assert '<mark class="hit" title="共情">别着急</mark>' in html
    assert '<mark class="flag" title="推诿">不归我们管</mark>' in html


def test_html_is_self_contained(hostile_record):
    html = render_session_html(hostile_record)
    assert "<style>" in html and "<svg" in html and "@media print" in html
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    links = [v for _, attrs in parse(html).tags for a, v in attrs if a in ("href", "src")]
    assert links == []


def test_markdown_renders_the_reply_literally(hostile_record):
    text = render_session_md(hostile_record)
    assert re.findall(r"(?<!\\)<", text) == []  # every "<" in the Markdown source is escaped
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text)
    page = parse(rendered, watch="none")
    assert_inert(page)
    shown = "".join(page.text)
    for piece in ("<script>alert(1)</script>", "{{ 7*7 }}", "<img src=x onerror=alert(2)>", "**粗**",
                  "[链](javascript:alert(3))", HOSTILE_NAME, "第二行 <i>x</i>"):
        assert piece in shown, piece
    assert not [t for t, _ in page.tags if t == "a"]


def test_markdown_escape_keeps_block_markers_literal():
    md = MarkdownIt("commonmark", {"html": True})
    for text in ("- 列表", "1. 编号", "# 标题", "> 引用", "===", "a\n---", "`code`", "| a | b |", "&lt;", "a\\b"):
        rendered = md.render("学员：" + escape_md(text))
        page = parse(rendered, watch="none")
        assert [t for t, _ in page.tags] in (["p"], ["p", "br"]), (text, rendered)
        assert "".join(page.text).strip() == "学员：" + text, (text, rendered)


def test_a_live_session_renders_without_a_store(engine_content):
    from simulator.engine.play.session import Session

    session = Session.start(*engine_content).answer(HOSTILE)
    html = render_session_html(session, trainee="练习者")
    md = render_session_md(session, trainee="练习者")
    assert_inert(parse(html))
    assert "练习者" in html and "记录未保存" in md and "未完成" in md
