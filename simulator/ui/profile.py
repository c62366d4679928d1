"""Who is at the keyboard: the trainee (or instructor) remembered between launches, and switched.

A small JSON file in the data directory (`Settings.profile_file`) keeps the current person and
the people who used this PC recently, each marked trainee or instructor. An instructor's
sessions are recorded as trials, so they stay out of trainee history, cohort reports and
exports. Reading and writing never raise: a missing or damaged file reads as no profile, and a
write that fails says why in one line. The app reads it in a worker after the first frame.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MAX_PEOPLE = 12
VERSION = 1


@dataclass(frozen=True)
class Person:
    name: str
    instructor: bool = False


@dataclass(frozen=True)
class Profile:
    """The current person (None: nobody chose yet) and everyone who used this PC, most recent first."""

    current: Person | None = None
    people: tuple[Person, ...] = ()

    def choose(self, person: Person) -> Profile:
        """The profile with `person` current and first in the list."""
        others = tuple(p for p in self.people if p.name != person.name)
        return Profile(person, (person, *others)[:MAX_PEOPLE])

    def known(self, name: str) -> Person | None:
        return next((p for p in self.people if p.name == name), None)


class ProfileFile:
    """Where the profile is kept; `path` None keeps nothing (tests, a run without a data directory)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def load(self) -> Profile:
        if self.path is None:
            return Profile()
        import json  # the module loads before the first frame; reading waits until after it

        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            people = tuple(p for p in map(_person, data.get("people", [])) if p is not None)
            current = next((p for p in people if p.name == data.get("current")), None)
            return Profile(current, people)
        except (OSError, ValueError, AttributeError, TypeError):  # missing or damaged: start afresh
            return Profile()

    def save(self, profile: Profile) -> str:
        """Write the profile; "" when it was written, else why not (one line)."""
        if self.path is None:
            return ""
        import json

        data = {"version": VERSION, "current": profile.current.name if profile.current else None,
                "people": [{"name": p.name, "instructor": p.instructor} for p in profile.people]}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(self.path.name + ".tmp")
            partial.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            os.replace(partial, self.path)  # whole or not at all: a crash never leaves half a file
        except OSError as error:
            return f"无法保存学员设置 {self.path}：{error.strerror or error}"
        return ""


def _person(item: object) -> Person | None:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
        return None
    return Person(item["name"].strip(), bool(item.get("instructor", False)))
