"""`simulator class`: a class from a roster file, its code, assignment, exam lock, end and report;
`simulator serve` refuses a bad option with one line."""
from __future__ import annotations

import json

import pytest

from simulator.cli import main
from simulator.engine.play.session import Session
from simulator.store.classes import Classes


def run(capsys, settings, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), settings)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_class_from_a_roster_file_through_to_its_report(capsys, make_settings, tmp_path, engine_content, places):
    settings = make_settings(database_url=places.url(tmp_path / "data"))
    roster = tmp_path / "名单.csv"
    roster.write_text("\ufeff王芳,一组\n李强,一组\n\n王芳,重复\n", encoding="utf-8")
    code, out, err = run(capsys, settings, "class", "new", "十二月一班", "--roster", str(roster), "--trainee", "赵敏")
    assert code == 0 and "3 人" in err
    class_code = out.strip()
    assert len(class_code) == 6

    assert run(capsys, settings, "class", "assign", class_code, "wage_arrears", "group_visit")[0] == 0
    assert run(capsys, settings, "class", "exam", class_code, "on")[0] == 0
    code, out, _ = run(capsys, settings, "class", "show", class_code, "--format", "json")
    shown = json.loads(out)
    assert shown["roster"] == ["王芳", "李强", "赵敏"] and shown["assigned"] == ["wage_arrears", "group_visit"]
    assert shown["exam_locked"] and [seat["trainee"] for seat in shown["room"]] == ["王芳", "李强", "赵敏"]

    with places.open(settings.data_dir) as store:  # a session played in the class, one played elsewhere
        klass = Classes(store).get(class_code)
        Classes(store).link(klass.id, store.begin("王芳", Session.start(*engine_content).answer("您先别着急")))
        store.begin("李强", Session.start(*engine_content).answer("您先别着急"))
    report = tmp_path / "report.csv"
    code, _, err = run(capsys, settings, "class", "end", class_code, "--format", "csv", "-o", str(report))
    assert code == 0 and "已结束" in err
    text = report.read_text(encoding="utf-8-sig")
    assert "王芳" in text and "李强" not in text
    code, out, _ = run(capsys, settings, "class", "list")
    assert "十二月一班" in out and "已结束" in out
    code, _, err = run(capsys, settings, "class", "assign", class_code, "wage_arrears")
    assert code == 1 and "已结束" in err and "Traceback" not in err


@pytest.mark.parametrize(("argv", "says"), [
    (["class", "show", "NOSUCH"], "没有这个班级：NOSUCH"),
    (["class", "new", "空班"], "名单是空的"),
    (["class", "new", "一班", "--roster", "/nonexistent/名单.txt"], "无法读取名单"),
])
def test_class_mistakes_are_one_line(capsys, make_settings, argv, says):
    code, _, err = run(capsys, make_settings(), *argv)
    assert code == 1 and says in err and len(err.strip().splitlines()) == 1


def test_assigning_an_unknown_scenario_is_refused(capsys, make_settings):
    settings = make_settings()
    _, out, _ = run(capsys, settings, "class", "new", "一班", "--trainee", "甲")
    code, _, err = run(capsys, settings, "class", "assign", out.strip(), "no_such_scenario")
    assert code == 1 and "未知的场景：no_such_scenario" in err


def test_serve_refuses_a_bad_cap_and_a_taken_port(capsys, make_settings):
    import socket

    code, _, err = run(capsys, make_settings(), "serve", "--max-sessions", "0")
    assert code == 1 and "--max-sessions" in err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run(capsys, make_settings(), "serve", "--host", "127.0.0.1", "--port", str(port))
    assert code == 1 and f"127.0.0.1:{port}" in err
