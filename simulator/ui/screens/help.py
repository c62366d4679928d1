"""Every key, per screen, read from the bindings themselves so the page cannot fall out of date."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ..plain import Plain
from ..widgets.feedback import pad
from ..widgets.mode_switch import ModeSwitch
from ..widgets.reply_input import ReplyInput
from .debrief import DebriefScreen
from .dialogs import ConfirmDialog, ResumeDialog, RewindDialog, TraineeDialog
from .history import HistoryScreen
from .home import HomeScreen
from .play import PlayScreen

NOTES = [
    "回复框：Enter 发送；ctrl+j 换行（任何终端都可用）。支持 kitty 键盘协议的终端里 shift+enter、"
    "alt+enter 也可换行；tmux 中请用 ctrl+j。",
    "中文输入法照常使用；全角标点（，。？！“”）按原样保存与评分。",
    "练习模式每轮反馈、可提示（会记入记录）、可回退；考试模式不提示、不回退，结束后统一反馈；"
    "初学模式从选项中选择回复。",
    "主题跟随终端配色；可用 ctrl+p 搜索「theme」切换，或设置环境变量 SIMULATOR_THEME。",
    "编写场景时，每次保存场景或评分标准文件，演练自动换成新内容并按原回复重放；文件有错时下方面板列出每处错误，"
    "改正保存后自动恢复；F2 开关作者预览。启动方式：simulator play 场景 --watch",
    "总结页按 e 导出本次报告（HTML 与 Markdown），存到数据目录的 reports/ 下。",
]


KEY_NAMES = {"enter": "Enter", "escape": "Esc", "question_mark": "?", "left": "←", "right": "→", "up": "↑",
             "down": "↓", "pageup": "PgUp", "pagedown": "PgDn", "ctrl+up": "ctrl+↑", "ctrl+down": "ctrl+↓"}


def key_name(key: str) -> str:
    return KEY_NAMES.get(key.strip(), key.strip())


class HelpScreen(ModalScreen[None]):
    """Keys for every screen, with what each does."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help {
        width: 90%; max-width: 100; height: 90%;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    HelpScreen .group { text-style: bold; color: $text-accent; margin-top: 1; }
    """

    BINDINGS = [Binding("escape,f1,q", "close", "关闭", id="help.close", tooltip="关闭帮助")]

    def compose(self) -> ComposeResult:
        app = self.app
        groups = [
            ("全局", list(type(app).BINDINGS)),
            ("首页", list(HomeScreen.BINDINGS) + list(ModeSwitch.BINDINGS)),
            ("演练", list(PlayScreen.BINDINGS) + list(ReplyInput.BINDINGS)),
            ("总结", list(DebriefScreen.BINDINGS)),
            ("历史", list(HistoryScreen.BINDINGS)),
            ("对话框", [*ConfirmDialog.BINDINGS, *RewindDialog.BINDINGS, *ResumeDialog.BINDINGS,
                        *TraineeDialog.BINDINGS]),
        ]
        with VerticalScroll(id="help"):
            yield Static("按键说明", classes="group")
            for title, bindings in groups:
                yield Static(Plain(title), classes="group")
                yield Static(self._table(bindings))
            yield Static("说明", classes="group")
            # No space after the bullet: Textual wraps at spaces and would strand it on its own line.
            yield Static(Plain("\n").join(Plain(f"•{note}") for note in NOTES))
        yield Footer()

    def _table(self, bindings: list) -> Content:
        lines = []
        for binding in bindings:
            if not isinstance(binding, Binding) or binding.system:
                continue
            keys = binding.key_display or " / ".join(key_name(k) for k in binding.key.split(","))
            lines.append(Plain.assemble((pad(keys, 14), "bold $text-accent"), (pad(binding.description, 10), "bold"),
                                          (binding.tooltip, "$text-muted")))
        return Plain("\n").join(lines)

    def action_close(self) -> None:
        self.dismiss(None)
