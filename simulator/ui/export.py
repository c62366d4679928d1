"""The debrief's export: a live session's report written as HTML and Markdown files.

Called from a worker thread (rendering imports Jinja2 and the report views). Files go to the
folder the app was given (the data directory's `reports/`), or the current directory when there
is none or it cannot be written; an existing file is never overwritten.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine.play.session import Session
    from ..store.records import SessionRecord


@dataclass(frozen=True)
class Exported:
    """Where the report went, and why not to the folder asked for, if it did not."""

    paths: tuple[Path, ...]
    fallback: str = ""  # the reason the current directory was used instead


def _free_stem(folder: Path, stem: str) -> str:
    taken = lambda name: any((folder / f"{name}{suffix}").exists() for suffix in (".html", ".md"))
    if not taken(stem):
        return stem
    number = 2
    while taken(f"{stem}-{number}"):
        number += 1
    return f"{stem}-{number}"


def write_reports(source: SessionRecord | Session, trainee: str, folder: Path, moment: datetime) -> tuple[Path, ...]:
    """Write `<scenario>-<YYYYMMDD-HHMMSS>.html` and `.md` into `folder` (created if needed), from the
    saved record (its date and number) or, if the session was not saved, the live session."""
    from ..reports.render import render_session_html, render_session_md
    from ..store.records import SessionRecord

    html = render_session_html(source, trainee)
    markdown = render_session_md(source, trainee)
    folder.mkdir(parents=True, exist_ok=True)
    scenario_id = source.scenario_id if isinstance(source, SessionRecord) else source.scenario.id
    stem = _free_stem(folder, f"{scenario_id}-{moment:%Y%m%d-%H%M%S}")
    written = []
    for suffix, text in ((".html", html), (".md", markdown)):
        path = folder / f"{stem}{suffix}"
        with open(path, "x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
            out.write(text)
        written.append(path)
    return tuple(written)


def export_session(source: SessionRecord | Session, trainee: str, folder: Path | None, moment: datetime) -> Exported:
    """Write the reports into `folder`, falling back to the current directory if that fails."""
    if folder is not None:
        try:
            return Exported(write_reports(source, trainee, folder, moment))
        except OSError as error:
            reason = f"无法写入 {folder}：{error.strerror or error}"
            return Exported(write_reports(source, trainee, Path.cwd(), moment), reason)
    return Exported(write_reports(source, trainee, Path.cwd(), moment))
