"""One URL for the records: SQLite files (those earlier releases made included) or PostgreSQL."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from simulator.engine.play.session import Session
from simulator.settings import DATABASE_URL, Settings
from simulator.store import Store, StoreError
from simulator.store.database import parse_url
from simulator.store.schema import REVISIONS, SCHEMA_VERSION

LEGACY = Path(__file__).resolve().parent.parent / "data" / "store"


@pytest.mark.parametrize("fixture", sorted(LEGACY.glob("records-v*.sqlite3")), ids=lambda p: p.stem)
def test_a_file_an_earlier_release_made_opens_upgraded_in_place(tmp_path, fixture, engine_content):
    shutil.copy(fixture, tmp_path / "records.sqlite3")
    with Store.open(tmp_path) as store:
        done, active = sorted(store.history(), key=lambda s: s.trainee, reverse=True)
        assert (done.trainee, done.status, done.ending_kind, done.turns) == ("小王", "finished", "resolved", 2)
        assert (active.trainee, active.status, active.turns) == ("小李", "active", 1)
        record = store.session(active.id)
        assert [t.reply for t in record.conversation] == ["您别着急"] and len(record.rewinds) == 1
        (saved,) = store.unfinished("小李")
        claimed = store.claim(saved.id)  # the writer lease, which the old file did not have
        assert claimed is not None
        session = Session.from_json(claimed.data, *engine_content).answer("请您放心，我们会核实情况。")
        store.record_turn(saved.id, session)
        assert [t.reply for t in store.session(saved.id).conversation] == ["您别着急", "请您放心，我们会核实情况。"]
    db = sqlite3.connect(tmp_path / "records.sqlite3")
    assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(REVISIONS[-1],)]
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_a_plain_postgresql_url_means_psycopg_3():
    for url in ("postgresql://trainer@db.example:5432/records", "postgres://trainer@db.example/records"):
        assert parse_url(url).drivername == "postgresql+psycopg"
    assert parse_url("postgresql+psycopg://trainer@/records?host=/run/postgresql").query["host"] == "/run/postgresql"
    assert parse_url("sqlite:////srv/records.sqlite3").database == "/srv/records.sqlite3"


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://u@h/db", "不支持的数据库：mysql"),
    ("postgresql://trainer:s3cret@host:port/records", "数据库地址无法识别"),
    ("://records", "数据库地址无法识别"),
    ("postgresql://trainer:s3cret@127.0.0.1:1/records", "无法连接数据库服务器"),
])
def test_a_bad_or_unreachable_database_is_one_line_without_the_password(url, message):
    with pytest.raises(StoreError) as raised:
        Store(url)
    text = str(raised.value)
    assert message in text and "\n" not in text and "s3cret" not in text


def test_the_database_url_comes_from_the_option_then_the_environment(tmp_path):
    environ = {DATABASE_URL: "postgresql://env@host/db"}
    assert Settings.from_environment({}).database_url is None
    assert Settings.from_environment(environ).database_url == "postgresql://env@host/db"
    assert Settings.from_environment(environ, database_url="postgresql://flag@host/db").database_url == \
        "postgresql://flag@host/db"


def test_the_command_line_takes_database_url(tmp_path, monkeypatch, capsys):
    from simulator.cli import main

    code = main(["--database-url", "postgresql://trainer:s3cret@127.0.0.1:1/records", "history"])
    err = capsys.readouterr().err
    assert code == 1 and "无法连接数据库服务器" in err and "127.0.0.1:1" in err and "s3cret" not in err
    assert err.count("\n") == 1


def test_revisions_lists_alembic_chain_in_order():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from simulator.store.schema import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    chain = [rev.revision for rev in script.walk_revisions("base", "heads")]
    assert script.get_heads() == [REVISIONS[-1]] and chain[::-1] == list(REVISIONS)


def test_the_database_layers_load_with_the_store_not_at_start_up(tmp_path):
    """The TUI and the command line start without SQLAlchemy; a store at the last revision opens
    without Alembic; SQLite never loads the PostgreSQL driver."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "layers = lambda: sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg') if m in sys.modules)\n"
        "import simulator.cli, simulator.ui.app, simulator.ui.launch, simulator.store\n"
        "print(layers())\n"
        "from simulator.store import Store\n"
        f"Store.open({str(tmp_path)!r}).close()\n"
        "print(layers())\n"
    )
    run = lambda: subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert run().split("\n")[:2] == ["[]", "['alembic', 'sqlalchemy']"]  # a fresh file: migrated
    assert run().split("\n")[:2] == ["[]", "['sqlalchemy']"]  # at the last revision: no Alembic
