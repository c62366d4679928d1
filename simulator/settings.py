"""Every path and environment variable the program uses, resolved once into one value.

The command line builds a `Settings` (`Settings.from_environment(os.environ, data_dir=...)`)
and passes it down; nothing else reads the environment or works out where content lives.

Where things are:
- the bundled library: `scenarios/`, `rubrics/`, `schemas/` and `references/` (the statute
  excerpts scenarios cite) inside the `simulator.bundled` package (installed copies; in a source
  checkout, symlinks to the top-level folders), found through `importlib.resources`;
- the user's own content: `scenarios/`, `rubrics/` and `references/` in the content folder
  ($SIMULATOR_CONTENT_DIR, else `content/` in the user's data directory), listed, validated,
  tested and played beside the bundled library; `simulator new` writes there when the bundled
  library is installed (read-only), and into the bundled folders in a source checkout;
- records: the data directory (--data-dir, else $SIMULATOR_DATA_DIR, else the user's data
  directory), its `records.sqlite3`; or, with a database URL (--database-url, else
  $SIMULATOR_DATABASE_URL; `postgresql://user@host:port/db`), that database. The debrief's
  exported reports go to the data directory's `reports/`;
- the TUI's library index: the cache directory ($SIMULATOR_CACHE_DIR, else the user's).

Other variables: $SIMULATOR_TRAINEE (the TUI's trainee; else the one remembered in the data
directory's `profile.json`, else the login name), $SIMULATOR_THEME
(a Textual theme; else an ANSI theme that follows the terminal, light when $COLORFGBG says the
background is), $SIMULATOR_CLASS (the class a served TUI plays in: `simulator serve` sets it, with
the signed-in trainee, through `served_environment`), $SIMULATOR_INSTRUCTOR_TOKEN (the console's
token for `simulator serve`; else one is made up at start), and for benchmarks only
$SIMULATOR_BENCH_FILE / $SIMULATOR_BENCH_EXIT.
"""
from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .engine.content.controls import MAX_NAME_CHARS, clean_name

if TYPE_CHECKING:  # the engine loads pydantic: not on the TUI's start-up path
    from .engine.content.library import Library
    from .engine.content.references import References

APP_NAME = "jiefang"
BUNDLED_PACKAGE = "simulator.bundled"
STANDARD_RUBRIC = "standard.yaml"
INDEX_FILE = "library-index.json"
PROFILE_FILE = "profile.json"
DEFAULT_TRAINEE = "学员"
LIGHT_BACKGROUNDS = ("7", "15")  # COLORFGBG's background colour numbers for white and bright white

DATA_DIR = "SIMULATOR_DATA_DIR"
DATABASE_URL = "SIMULATOR_DATABASE_URL"
CONTENT_DIR = "SIMULATOR_CONTENT_DIR"
CACHE_DIR = "SIMULATOR_CACHE_DIR"
TRAINEE = "SIMULATOR_TRAINEE"
THEME = "SIMULATOR_THEME"
BENCH_FILE = "SIMULATOR_BENCH_FILE"
BENCH_EXIT = "SIMULATOR_BENCH_EXIT"
CLASS = "SIMULATOR_CLASS"
INSTRUCTOR_TOKEN = "SIMULATOR_INSTRUCTOR_TOKEN"
SERVED_THEME = "textual-dark"  # a browser terminal has no colours of its own for the ANSI themes to follow


@dataclass(frozen=True)
class Bench:
    """Benchmarks only: the TUI writes the moment it is ready to `file` and exits."""

    file: Path
    exit_when: str  # "ready" (home screen up) or "listed" (library shown)


@dataclass(frozen=True)
class Settings:
    """Where content, records and caches live, and the user's choices; one immutable value."""

    bundled_dir: Path  # holds scenarios/, rubrics/, schemas/, references/
    content_dir: Path  # the user's own scenarios/, rubrics/ and references/
    data_dir: Path  # records
    cache_dir: Path
    trainee: str  # $SIMULATOR_TRAINEE: "" lets the TUI use the remembered profile
    theme: str
    bundled_editable: bool = False  # a source checkout: `new` adds to the bundled library itself
    bench: Bench | None = None
    classroom: str = ""  # the class this TUI plays in: its id (as serve sets it) or join code; "" for none
    instructor_token: str = ""  # `simulator serve`: the console's token ("" makes one up)
    database_url: str | None = None  # the records database; None: records.sqlite3 in data_dir
    login: str = DEFAULT_TRAINEE  # the trainee's name on a PC where nobody has chosen one yet

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], data_dir: str | os.PathLike[str] | None = None,
                         database_url: str | None = None) -> Settings:
        """The settings for this run: `data_dir` is --data-dir (it wins over $SIMULATOR_DATA_DIR),
        `database_url` is --database-url (it wins over $SIMULATOR_DATABASE_URL)."""
        import platformdirs

        def variable(name: str) -> str:
            return (environ.get(name) or "").strip()

        def folder(name: str, default: Path) -> Path:
            return Path(variable(name)).expanduser() if variable(name) else default

        user_data = Path(platformdirs.user_data_dir(APP_NAME))
        bundled = bundled_dir()
        bench = Bench(Path(variable(BENCH_FILE)), variable(BENCH_EXIT)) if variable(BENCH_FILE) else None
        return cls(
            bundled_dir=bundled,
            content_dir=folder(CONTENT_DIR, user_data / "content"),
            data_dir=Path(data_dir).expanduser() if data_dir else folder(DATA_DIR, user_data),
            cache_dir=folder(CACHE_DIR, Path(platformdirs.user_cache_dir(APP_NAME))),
            trainee=clean_name(variable(TRAINEE))[:MAX_NAME_CHARS],  # a name as typed into the TUI would be
            theme=variable(THEME) or terminal_theme(environ.get("COLORFGBG", "")),
            bundled_editable=is_source_checkout(bundled),
            bench=bench,
            classroom=variable(CLASS),
            instructor_token=variable(INSTRUCTOR_TOKEN),
            database_url=(database_url or "").strip() or variable(DATABASE_URL) or None,
            login=clean_name(login_name())[:MAX_NAME_CHARS] or DEFAULT_TRAINEE,
        )

    # ------------------------------------------------------------ content

    @property
    def bundled_scenarios(self) -> Path:
        return (self.bundled_dir / "scenarios").resolve()

    @property
    def bundled_rubrics(self) -> Path:
        return (self.bundled_dir / "rubrics").resolve()

    @property
    def schemas_dir(self) -> Path:
        return (self.bundled_dir / "schemas").resolve()

    @property
    def standard_rubric(self) -> Path:
        """The default rubric of `score` and `calibrate`."""
        return self.bundled_rubrics / STANDARD_RUBRIC

    @property
    def bundled_references(self) -> Path:
        """The statute excerpts the bundled library cites (`laws/<id>.md`)."""
        return (self.bundled_dir / "references").resolve()

    @property
    def user_scenarios(self) -> Path:
        return self.content_dir / "scenarios"

    @property
    def user_rubrics(self) -> Path:
        return self.content_dir / "rubrics"

    @property
    def user_references(self) -> Path:
        return self.content_dir / "references"

    @property
    def reference_dirs(self) -> tuple[Path, ...]:
        """Statute excerpts: the bundled ones, then the user's own (an id may be shipped only once)."""
        return (self.bundled_references, self.user_references)

    @property
    def scenario_dirs(self) -> tuple[Path, ...]:
        """Scenario ids resolve in the bundled library first, then in the user's folder."""
        return (self.bundled_scenarios, self.user_scenarios)

    @property
    def rubric_dirs(self) -> tuple[Path, ...]:
        """A rubric id the scenario's own folder does not hold: the user's rubrics, then the bundled ones."""
        return (self.user_rubrics, self.bundled_rubrics)

    @property
    def library(self) -> Library:
        """The folders above as the engine's value (importing the engine: not for the TUI's start-up)."""
        from .engine.content.library import Library

        return Library(self.scenario_dirs, self.rubric_dirs)

    def references(self) -> References:
        """The statute excerpts, loaded (importing the engine; raises ContentError for a malformed file)."""
        from .engine.content.references import load_references

        return load_references(self.reference_dirs)

    def content_folders(self) -> list[Path]:
        """The library's folders that exist, rubrics first (what `test` and `validate` check by default)."""
        folders = [self.bundled_rubrics, self.user_rubrics, self.bundled_scenarios, self.user_scenarios]
        return [folder for folder in folders if folder.is_dir()]

    @property
    def corpus_dir(self) -> Path:
        """The labelled corpus (train/, sealed/): data/corpus/ of a source checkout, else corpus/ in
        the user's content folder (an installed copy ships the weights, not the corpus)."""
        if self.bundled_editable:
            return self.bundled_scenarios.parent / "data" / "corpus"
        return self.content_dir / "corpus"

    @property
    def new_scenarios(self) -> Path:
        """Where `simulator new scenario` writes by default."""
        return self.bundled_scenarios if self.bundled_editable else self.user_scenarios

    @property
    def new_rubrics(self) -> Path:
        """Where `simulator new rubric` writes by default."""
        return self.bundled_rubrics if self.bundled_editable else self.user_rubrics

    # ------------------------------------------------------------ records and caches

    @property
    def reports_dir(self) -> Path:
        """Where the debrief exports reports."""
        return self.data_dir / "reports"

    @property
    def profile_file(self) -> Path:
        """The TUI's remembered trainee and the people who used this PC (`ui.profile`)."""
        return self.data_dir / PROFILE_FILE

    @property
    def index_file(self) -> Path:
        """The TUI's library index (entries keyed by every scenario file's path, size, mtime)."""
        return self.cache_dir / INDEX_FILE


def bundled_dir() -> Path:
    """The bundled library's folder inside the installed package (a real folder: not zipped)."""
    root = resources.files(BUNDLED_PACKAGE)
    if not isinstance(root, Path):
        raise RuntimeError(f"{BUNDLED_PACKAGE} 必须以普通文件安装（不支持 zip 包）：{root}")
    return root


def is_source_checkout(bundled: Path) -> bool:
    """True when the bundled folders link into a writable source checkout (not an installed copy)."""
    scenarios = bundled / "scenarios"
    return scenarios.is_symlink() and os.access(scenarios.resolve(), os.W_OK)


def login_name() -> str:
    try:
        return getpass.getuser() or DEFAULT_TRAINEE
    except Exception:  # no user name in containers without a passwd entry
        return DEFAULT_TRAINEE


def terminal_theme(colorfgbg: str) -> str:
    """Follow the terminal: the ANSI themes use its own colours; COLORFGBG says light or dark."""
    background = colorfgbg.split(";")[-1]
    return "ansi-light" if background in LIGHT_BACKGROUNDS else "ansi-dark"


def served_environment(settings: Settings, trainee: str, class_id: int | str) -> dict[str, str]:
    """The whole environment of a TUI that `simulator serve` runs for a signed-in trainee.

    Built from the settings rather than copied from the server's own environment, so nothing of
    the server's (the instructor's token, say) reaches a trainee's process.
    """
    theme = settings.theme if not settings.theme.startswith("ansi-") else SERVED_THEME
    return {
        DATA_DIR: str(settings.data_dir), CONTENT_DIR: str(settings.content_dir), CACHE_DIR: str(settings.cache_dir),
        THEME: theme, TRAINEE: trainee, CLASS: str(class_id), "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
        **({DATABASE_URL: settings.database_url} if settings.database_url else {}),  # the server's store
    }
