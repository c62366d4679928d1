"""The HTML debrief in a real browser: headless Chromium loads it cleanly and draws a page."""
from __future__ import annotations

import re
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
    """The tags, attribute names and shown text (not the style sheet) of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name.lower() for name, _ in attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if not self._in_style:
            self.text.append(data)


# ---------------------------------------------------------------- issue 15.5: reports people read and print

ROOT = Path(__file__).resolve().parents[2]


def played_record(store, scenario_id: str, test_name_part: str, trainee: str = "小王",
                  added: dict[int, str] | None = None):
    """A session of a bundled scenario, played with the replies of one of its path tests (with `added` words
    appended to the replies of the turns it names, counted from 0), from the store."""
    from simulator.engine.check.ready import load_scenario_and_rubric
    from simulator.engine.content.library import Library
    from simulator.engine.play.session import Session

    scenario, rubric, _ = load_scenario_and_rubric(scenario_id, Library((ROOT / "scenarios",), (ROOT / "rubrics",)))
    test = next(t for t in scenario.tests if test_name_part in t.name)
    session = Session.start(scenario, rubric)
    session_id = store.begin(trainee, session)
    for turn, reply in enumerate(test.replies):
        session = session.answer(reply + (added or {}).get(turn, ""))
        store.record_turn(session_id, session)
    return scenario, store.session(session_id)


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@needs_browser
@pytest.mark.parametrize(("scenario_id", "path_test"), [
    ("wage_arrears", "示范回答"),  # every turn full marks, long model replies
    ("property_fee_dispute", "跟着骂物业"),  # faults, misses and model answers at every turn
    ("wage_arrears", "前面稳住了"),  # faults at the end
])
def test_a_six_turn_debrief_prints_on_two_to_four_pages(tmp_path, scenario_id, path_test):
    from simulator.store import Store

    with Store(":memory:") as store:
        _, record = played_record(store, scenario_id, path_test)
    assert len(record.conversation) == 6 and record.status == "finished"
    page = tmp_path / "session.html"
    page.write_text(render_session_html(record), encoding="utf-8")
    pdf = tmp_path / "session.pdf"
    done = browse(page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    assert 2 <= pdf_pages(pdf.read_bytes()) <= 4  # it was 12-13 pages before the state changes were folded


@needs_browser
def test_the_debrief_shows_labels_not_internal_ids_and_draws_the_state_over_the_turns(tmp_path):
    from simulator.store import Store

    with Store(":memory:") as store:
        # a model answer with a serious fault added: the cap lowers a good total, and the debrief says by what
        scenario, record = played_record(store, "wage_arrears", "示范回答", added={1: "说到底，这个包工头就是黑心。"})
    capped = [t for t in record.conversation if t.capped_by]
    assert capped, "the path must include a capped turn, to show its label instead of its id"
    page = tmp_path / "session.html"
    page.write_text(render_session_html(record), encoding="utf-8")
    done = browse(page, "--dump-dom", profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    elements = Elements()
    elements.feed(done.stdout)
    shown = "".join(elements.text)
    criteria = {v[0] for t in record.conversation for v in t.verdicts}
    ids = criteria | set(scenario.nodes) | {scenario.id, "resolved", "referred", "dissatisfied", "escalated", "crisis"}
    leaked = sorted(i for i in ids if re.search(rf"(?<![A-Za-z_]){re.escape(i)}(?![A-Za-z_])", shown))
    assert leaked == []
    labels = {f.criterion: f.label for t in capped for f in t.flags}
    assert f"因「{labels[capped[0].capped_by]}」封顶" in shown
    # The state chart: a line per numeric variable, from before the first reply to after the sixth.
    assert "来访人的情绪与风险" in shown and "愤怒" in shown and "升级风险" in shown
    assert done.stdout.count("<polyline") == 3 and "第6轮" in shown
    assert done.stdout.count('<details class="moved"') == 6  # one folded line of state changes per turn


@needs_browser
def test_the_cohort_report_draws_a_trend_per_trainee_and_a_heat_map(tmp_path):
    from simulator.reports.cohort import cohort
    from simulator.store import Store

    with Store(":memory:") as store:
        for trainee, tests in (("小王", ("示范回答", "前面稳住了", "程序走到了")), ("小李", ("前面稳住了",))):
            for name in tests:
                played_record(store, "wage_arrears", name, trainee)
        played_record(store, "property_fee_dispute", "示范回答", "小王")
        records = list(store.sessions())  # a generator: read before the store closes
    report = cohort(records)
    lines = {t.trainee: [(line.label, [p.value for p in line.points]) for line in t.chart.lines] for t in report.trends}
    assert lines["小李"] == [("八个月没拿到工钱的钢筋工", [records[3].total])]
    wang = dict(lines["小王"])  # one line per scenario, in the order played: never mixing scenarios
    assert wang["八个月没拿到工钱的钢筋工"] == [r.total for r in records if r.trainee == "小王" and
                                                r.scenario_id == "wage_arrears"]
    assert len(wang["电梯坏了四个月、被物业威胁停水的退休教师"]) == 1
    assert report.heat is not None and [name for name, _ in report.heat.rows] == ["小李", "小王"]
    page = tmp_path / "cohort.html"
    page.write_text(render_cohort_html(records), encoding="utf-8")
    done = browse(page, "--dump-dom", profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    elements = Elements()
    elements.feed(done.stdout)
    shown = "".join(elements.text)
    for heading in ("每位学员的总分变化", "学员 × 评分项", "学员实际走过的分支"):
        assert heading in shown
    nodes = {t.node for r in records for t in r.conversation} | {r.ending_node for r in records if r.ending_node}
    assert [n for n in nodes if n in shown] == []  # branches are in words
    assert "结局：" in shown
