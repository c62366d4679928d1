"""Debriefs and cohort reports from records, through the reports' own Jinja2 environments.

Two environments, neither shared with the engine: HTML autoescapes every `{{ }}`; Markdown runs
every `{{ }}` through `escape_md` (its finalize), so text typed by a trainee or written by an
author can never become markup in either. Templates never use `|safe`; highlighting is built from
segments in the template, so each piece of user text passes through the escaper.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..engine.play.session import Session
from ..store.records import SessionRecord, record_from_session
from .cohort import Cohort, cohort
from .views import local_time, session_view

TEMPLATES_PACKAGE = __name__.rpartition(".")[0]  # the templates sit beside this module
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>|~&#$])")  # significant anywhere in a line
_MD_BULLET = re.compile(r"^([ \t]*)([-+=])", re.M)  # list items, setext underlines, breaks at a line start
_MD_ORDERED = re.compile(r"^([ \t]*\d+)([.)])", re.M)  # "1." or "1)" at a line start


class Raw(str):
    """Markdown the template builds itself (never user text): passes the Markdown finalize as is."""


def escape_md(value: Any) -> str:
    """Text shown literally by any CommonMark renderer: punctuation escaped, line breaks kept."""
    if isinstance(value, Raw):
        return value
    if value is None:
        return "—"
    text = _MD_INLINE.sub(r"\\\1", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_ORDERED.sub(r"\1\\\2", _MD_BULLET.sub(r"\1\\\2", text))
    return text.replace("\n", "\\\n")


@lru_cache(maxsize=1)
def html_environment() -> Environment:
    env = Environment(loader=PackageLoader(TEMPLATES_PACKAGE, "."), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["local_time"] = local_time
    return env


@lru_cache(maxsize=1)
def md_environment() -> Environment:
    env = Environment(loader=PackageLoader(TEMPLATES_PACKAGE, "."), autoescape=False, finalize=escape_md,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["local_time"] = local_time
    return env


def _record(source: SessionRecord | Session, trainee: str) -> SessionRecord:
    return source if isinstance(source, SessionRecord) else record_from_session(source, trainee=trainee)


def _now() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")


def render_session_html(source: SessionRecord | Session, trainee: str = "") -> str:
    """One self-contained HTML debrief (inline CSS and SVG, no network) for a record or live Session."""
    view = session_view(_record(source, trainee), _now())
    return html_environment().get_template("session.html.j2").render(v=view)


def render_session_md(source: SessionRecord | Session, trainee: str = "") -> str:
    """The same debrief in Markdown, every piece of text escaped to show literally."""
    view = session_view(_record(source, trainee), _now())
    return md_environment().get_template("session.md.j2").render(v=view)


def render_cohort_html(records: Iterable[SessionRecord], filters: str = "") -> str:
    return html_environment().get_template("cohort.html.j2").render(c=cohort(records), filters=filters,
                                                                     generated=_now())


CSV_HEADER = ("类别", "学员", "场景", "项目", "名称", "次数", "数值")


def render_cohort_csv(records: Iterable[SessionRecord]) -> str:
    """The cohort report as one long table (one fact per row), for a spreadsheet."""
    report: Cohort = cohort(records)
    out = io.StringIO()
    writer = _SafeWriter(csv.writer(out, lineterminator="\n"))
    writer.writerow(CSV_HEADER)
    for row in report.trainees:
        for (dim, label), score in zip(report.dimension_labels, row.scores):
            writer.writerow(("学员维度", row.name, "", dim, label, row.sessions, _num(score)))
        writer.writerow(("学员总分", row.name, "", "total", "总分", row.sessions, _num(row.total)))
    for row in report.scenarios:
        for (dim, label), score in zip(report.dimension_labels, row.scores):
            writer.writerow(("场景维度", "", row.scenario_id, dim, label, row.sessions, _num(score)))
        writer.writerow(("场景总分", "", row.scenario_id, "total", "总分", row.sessions, _num(row.total)))
    for weak in report.weakest:
        writer.writerow(("薄弱评分项", "", "", weak.criterion, weak.label, weak.failures, f"{weak.rate:.2f}"))
    for ending in report.endings:
        for kind, label, count in ending.counts:
            writer.writerow(("结局分布", "", ending.scenario_id, kind, label, count, ""))
    for branch in report.branches:
        for step in branch.steps:
            # 项目 keeps the node ids as the machine key; 名称 says the same in words.
            writer.writerow(("分支走向", "", branch.scenario_id, f"{step.node}->{step.next_node}",
                             f"{step.said} → {step.went}", step.count, f"{step.share:.2f}"))
    return out.getvalue()


class _SafeWriter:
    """Writes rows with text that a spreadsheet would run as a formula (=, +, -, @) defused."""

    def __init__(self, writer: Any):
        self._writer = writer

    def writerow(self, row: tuple[Any, ...]) -> None:
        self._writer.writerow(["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@", "\t", "\r") else c
                               for c in row])


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"
