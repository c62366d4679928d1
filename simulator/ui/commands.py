"""Command-palette search: 「练习：讨薪的老周」, 「考试：…」, 「初学：…」, plus history, help and trainee.

The scenarios are the ones the home screen lists; choosing one posts `OpenScenario` to the app,
and the other commands run the app's actions by name, so the provider needs nothing from the
app's class. Textual's own `Matcher.highlight` parses the candidate as markup, which would eat
`[b]` in an authored title (and crash on `[/]`), so hits are highlighted here on plain `Content`.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from .library import ScenarioEntry
from .messages import OpenScenario
from .plain import Plain
from .screens.home import HomeScreen

VERBS = {"practice": "练习", "exam": "考试", "choice": "初学"}
MODE_HELP = {"practice": "以练习模式开始", "exam": "以考试模式开始", "choice": "以初学（选择题）模式开始"}


def markup_literal(text: str) -> str:
    """Text the palette will parse as markup (its help line), escaped to come out exactly as given."""
    return text.replace("[", "\\[")


def literal_highlight(matcher: Matcher, candidate: str) -> Content:
    content: Content = Plain(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


Command = tuple[str, str, Callable[[], object]]  # title, help, what choosing it does


class ScenarioCommands(Provider):
    """Find a scenario by title, category or persona and start it in a chosen mode."""

    def _entries(self) -> tuple[ScenarioEntry, ...]:
        """The library as the home screen lists it (empty while it is still loading)."""
        home = next((s for s in self.app.screen_stack if isinstance(s, HomeScreen)), None)
        return (home.entries or ()) if home is not None else ()

    def _commands(self) -> list[Command]:
        """(title, help, callback) for every command this provider offers."""
        app = self.app
        found: list[Command] = []
        for entry in self._entries():
            if entry.problem:
                continue
            for mode, verb in VERBS.items():
                title = f"{verb}：{entry.title}"
                help_text = markup_literal(f"{MODE_HELP[mode]} · {entry.category} · {entry.persona}")
                found.append((title, help_text, partial(app.post_message, OpenScenario(entry, mode))))
        found += [
            ("历史：查看演练记录", "历次演练与各维度趋势", partial(app.run_action, "history")),
            ("帮助：按键说明", "所有按键与用法", partial(app.run_action, "help")),
            ("学员：更换学员", "最佳成绩按学员统计", partial(app.run_action, "trainee")),
        ]
        return found

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            if title.startswith(VERBS["practice"]) or ("：" in title and not title.startswith(tuple(VERBS.values()))):
                yield DiscoveryHit(Plain(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            # Search the help as well, so a category or a persona's name finds the scenario.
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, literal_highlight(matcher, title), callback, text=title, help=help_text)
