"""The app's part of `simulator play --watch`: load the watched file, poll it, send saves to the screens.

`JiefangApp` inherits this; the attributes and `open_scenario` declared here are its own. The
first load happens before the first frame (as `simulator play` loads its scenario); later loads
run in a worker, and their result goes to every watched screen: new content replays the
conversation, bad content shows its errors while the last good content stays in play.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import App

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from ..engine.content.model import Rubric, Scenario
    from .watch import ContentWatcher, Reloaded


class WatchingApp(App[None]):
    """Reload-on-save for the scenario file the app was given to watch."""

    rubric: Rubric | None
    watcher: ContentWatcher | None
    _watched: tuple[Scenario, Rubric] | None  # the latest content loaded from the watched file
    _reloading: bool
    _mode: str

    def open_scenario(self, scenario: Scenario, rubric: Rubric, mode: str) -> AwaitMount | None:
        raise NotImplementedError  # JiefangApp's

    def _start_watching(self, watcher: ContentWatcher) -> AwaitMount | None:
        """First load (before the first frame, as `simulator play` does), then poll for saves."""
        reloaded = watcher.load()
        self.set_interval(watcher.interval, self._poll_watched, name="watch")
        content = reloaded.playable
        if content is not None:
            latest = self._watched = (content[0], self.rubric or content[1])
            return self.open_scenario(*latest, self._mode)
        from .screens.waiting import WaitingScreen

        # Once a save makes the file playable, the waiting screen dismisses itself with the content.
        return self.push_screen(WaitingScreen(str(watcher.path), reloaded.problems), self._watched_playable)

    def _poll_watched(self) -> None:
        if self.watcher is not None and not self._reloading and self.watcher.changed():
            self._reloading = True
            self._reload_watched(self.watcher)

    @work(thread=True, group="watch", exit_on_error=False)
    def _reload_watched(self, watcher: ContentWatcher) -> None:
        """Read and check the saved files (YAML, pydantic, validation: so in a worker thread)."""
        from .watch import Reloaded

        try:
            reloaded = watcher.load()
        except Exception as error:  # load() reports content problems itself; this is anything else
            reloaded = Reloaded(problems=(f"{watcher.path}: 无法重新加载：{error}",))
        self.call_from_thread(self._watched_reloaded, reloaded)

    def _watched_reloaded(self, reloaded: Reloaded) -> None:
        """New content goes to every watched screen; bad content only shows its errors there."""
        from .screens.play import PlayScreen
        from .screens.waiting import WaitingScreen

        self._reloading = False
        watched = [s for s in self.screen_stack if isinstance(s, (PlayScreen, WaitingScreen)) and s.watched]
        content = reloaded.playable
        if content is None:
            for screen in watched:
                screen.show_problems(reloaded.problems)
            return
        latest = self._watched = (content[0], self.rubric or content[1])
        for screen in watched:
            screen.reload(*latest)

    def _watched_playable(self, content: tuple[Scenario, Rubric] | None) -> None:
        """The watched file became playable while the waiting screen was up."""
        if content is not None:
            self.open_scenario(*content, self._mode)

