"""`simulator new scenario|rubric ID`: write a skeleton file, never over an existing one."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from ..engine.authoring.skeleton import check_id, rubric_skeleton, scenario_skeleton
from .output import shown


class ScaffoldError(Exception):
    """A skeleton that cannot be written (the message is one line for the user)."""


def schema_ref(schema: Path, target: Path) -> str:
    """For the editor modeline: relative to the new file inside the project, else a file URI."""
    project = schema.resolve().parent.parent
    folder = target.resolve().parent
    if folder == project or project in folder.parents:
        return Path(os.path.relpath(schema.resolve(), folder)).as_posix()
    return schema.resolve().as_uri()


def target_path(kind: str, item_id: str, out: str | None, default_dir: Path) -> Path:
    """Where the skeleton goes: --out (a file, or a folder to put ID.yaml in), else `default_dir`/ID.yaml."""
    check_id(item_id, "场景编号" if kind == "scenario" else "评分标准编号")
    if out:
        return Path(out) / f"{item_id}.yaml" if Path(out).is_dir() else Path(out)
    return default_dir / f"{item_id}.yaml"


def write_skeleton(kind: str, item_id: str, target: Path, schemas_dir: Path, out: TextIO,
                   category: str | None = None, title: str | None = None) -> None:
    """Render the skeleton and create `target` (exclusively); report the next steps on `out`."""
    if target.exists():
        raise ScaffoldError(f"{shown(target)} 已存在，不会覆盖（换一个编号，或用 --out 写到别处）")
    where = str(shown(target))
    if kind == "scenario":
        text = scenario_skeleton(item_id, category or "其他", title,
                                 schema_ref(schemas_dir / "scenario.schema.json", target), where)
    else:
        text = rubric_skeleton(item_id, title, schema_ref(schemas_dir / "rubric.schema.json", target), where)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{where} 已存在，不会覆盖（换一个编号，或用 --out 写到别处）") from None
    except OSError as error:
        raise ScaffoldError(f"无法写入 {where}：{error.strerror or error}") from None
    out.write(f"已生成 {where}\n")
    out.write(f"下一步：simulator validate {where} --strict && simulator test {where}\n")
    if kind == "scenario":
        out.write(f"然后：simulator coverage {where}，simulator play {where}\n")
