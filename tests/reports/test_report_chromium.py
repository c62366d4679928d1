"""The HTML debrief in a real browser: headless Chromium loads it cleanly and draws a page."""
from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from png_pixels import colour_counts
from report_helpers import HOSTILE

from simulator.reports.render import render_cohort_html, render_session_html


def chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


BROWSER = chromium()
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="Chromium is not installed (Debian: apt-get install -y chromium; .ci/run does this)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def browse(page: Path, *args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


@needs_browser
@pytest.mark.parametrize("kind", ["session", "cohort"])
def test_report_renders_in_headless_chromium(tmp_path, hostile_record, kind):
    page = tmp_path / f"{kind}.html"
    html = render_session_html(hostile_record) if kind == "session" else render_cohort_html([hostile_record])
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "shot.png"

    done = browse(page, f"--screenshot={shot}", "--window-size=1000,1400", "--enable-logging=stderr", "--v=0",
                  profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Refused to" in line]
    assert console == [], console  # no script errors, no blocked loads (the CSP forbids any)
    colours = colour_counts(shot.read_bytes())
    _background, most = colours.most_common(1)[0]
    assert len(colours) > 20, f"screenshot looks blank: {len(colours)} colours"
    assert sum(colours.values()) - most > 0.02 * sum(colours.values()), "screenshot is almost one colour"


@needs_browser
def test_the_browser_finds_no_script_in_the_debrief(tmp_path, hostile_record):
    page = tmp_path / "session.html"
    page.write_text(render_session_html(hostile_record), encoding="utf-8")
    done = browse(page, "--dump-dom", profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    elements = Elements()
    elements.feed(done.stdout)  # the DOM as the browser built it, serialised
    assert "script" not in elements.tags and "img" not in elements.tags
    assert [a for a in elements.attributes if a.startswith("on")] == []
    assert HOSTILE in "".join(elements.text)  # the browser saw text, not markup


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name.lower() for name, _ in attrs)

    def handle_data(self, data):
        self.text.append(data)
