"""Build records.sqlite3 with an earlier release's own store code: the legacy fixtures beside this file.

    git archive <commit> simulator tests/data | tar -x -C /tmp/old
    python tests/data/store/make_legacy_records.py /tmp/old /tmp/out   # then copy /tmp/out/records.sqlite3

records-v1.sqlite3: commit 7e2de15 (schema version 1, before the classroom and the writer lease);
records-v2.sqlite3: commit f1829b3 (version 2: the classroom's tables, no writer lease);
records-v3.sqlite3: commit efb92bb (version 3: sessions.purpose and turns.options, no writer lease).
"""
import sqlite3, sys
from pathlib import Path
root, out = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(root))
from simulator.engine.content.library import require_rubric, require_scenario
from simulator.engine.content.loader import load_file
from simulator.engine.play.session import Session
from simulator.store import Store
data = root / "tests" / "data" / "engine"
scenario = require_scenario(load_file(data / "scenario.yaml", "scenario"))
rubric = require_rubric(load_file(data / "rubric.yaml", "rubric"))
out.mkdir(parents=True, exist_ok=True)
with Store.open(out, now=lambda: "2025-03-01T09:00:00.000+00:00") as store:
    done = Session.start(scenario, rubric)
    sid = store.begin("小王", done)
    for reply in ("您先别着急，请坐下慢慢说。", "请您放心，我们会核实情况。"):
        done = done.answer(reply)
        store.record_turn(sid, done)
    open_ = Session.start(scenario, rubric)
    sid = store.begin("小李", open_)
    open_ = open_.answer("你好")
    store.record_turn(sid, open_)
    store.record_turn(sid, open_.rewind(1).answer("您别着急"))
db = sqlite3.connect(out / "records.sqlite3")
db.execute("PRAGMA journal_mode = DELETE")
db.execute("VACUUM")
print(out, db.execute("PRAGMA user_version").fetchone()[0], [r[0] for r in db.execute("select name from sqlite_master where type='table'")])
db.close()
