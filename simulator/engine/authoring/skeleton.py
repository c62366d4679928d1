"""Skeletons for new content: a complete, valid, commented scenario or rubric as YAML text.

Pure: the functions return text; the command line decides where it goes and writes it.
"""
from __future__ import annotations

import json
import re
from string import Template

from ..content.model import IDENT
from .skeleton_rubric import RUBRIC_TEMPLATE
from .skeleton_scenario import SCENARIO_TEMPLATE

MAX_ID_LENGTH = 64
DEFAULT_CATEGORY = "其他"
PLAIN_UNSAFE = re.compile(r"""[:#'"\[\]{},&*!|>%@`]|^[-?\s]|\s$""")


class SkeletonError(ValueError):
    """An id, title or category that cannot go into a skeleton (message for the user)."""


def check_id(value: str, what: str = "编号") -> str:
    """The id if it is a lowercase ASCII slug usable as a scenario/rubric id; else SkeletonError."""
    if not re.fullmatch(IDENT, value, flags=re.ASCII):
        raise SkeletonError(f"{what} '{value}' 不合规：只能用小写英文字母、数字和下划线，"
                            "并以字母开头（如 land_compensation）")
    if len(value) > MAX_ID_LENGTH:
        raise SkeletonError(f"{what} '{value}' 太长：最多 {MAX_ID_LENGTH} 个字符")
    return value


def yaml_text(value: str, what: str) -> str:
    """A one-line string as a YAML scalar: plain when that is safe, else double-quoted."""
    value = value.strip()
    if not value or "\n" in value or "\r" in value:
        raise SkeletonError(f"{what}不能为空，也不能换行")
    return json.dumps(value, ensure_ascii=False) if PLAIN_UNSAFE.search(value) else value


def scenario_skeleton(scenario_id: str, category: str = DEFAULT_CATEGORY, title: str | None = None,
                      schema: str = "../schemas/scenario.schema.json", path: str | None = None) -> str:
    """The YAML text of a new scenario named `scenario_id`."""
    check_id(scenario_id, "场景编号")
    return Template(SCENARIO_TEMPLATE).substitute(
        id=scenario_id,
        category=yaml_text(category, "类别"),
        title=yaml_text(title or "第二次来访、三个月没有回音的群众", "标题"),
        schema=schema,
        path=path or f"scenarios/{scenario_id}.yaml",
    )


def rubric_skeleton(rubric_id: str, title: str | None = None, schema: str = "../schemas/rubric.schema.json",
                    path: str | None = None) -> str:
    """The YAML text of a new rubric named `rubric_id`."""
    check_id(rubric_id, "评分标准编号")
    return Template(RUBRIC_TEMPLATE).substitute(
        id=rubric_id,
        title=yaml_text(title or "接访基本规范（自定义）", "标题"),
        schema=schema,
        path=path or f"rubrics/{rubric_id}.yaml",
    )
