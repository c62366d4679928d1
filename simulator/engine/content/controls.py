"""Control characters: shown visibly on the way out, removed on the way in.

Text from a trainee, an author or an imported record can carry terminal control sequences (ESC
with CSI/OSC, C1 controls) that would move the cursor, retitle the window or worse if printed
raw. Two functions handle every such place:

- `visible(text)` is the one output filter: each control character becomes one visible symbol
  (ESC -> ␛, BEL -> ␇, C1 and bidirectional overrides -> �), newline and tab stay. It maps one
  character to one character, so evidence spans still line up, and it is idempotent.
- `cleaned(text)` is for input (names, replies, imported records): whole escape sequences and
  every other control character are dropped; newlines and tabs may be kept.
"""
from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
# Bidirectional embeddings, overrides and isolates reorder what a terminal shows ("Trojan source").
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_VISIBLE = {
    **{code: 0x2400 + code for code in range(0x20) if chr(code) not in "\n\t"},  # C0 -> Control Pictures
    0x7F: 0x2421,  # DEL -> ␡
    **{code: ord(REPLACEMENT) for code in range(0x80, 0xA0)},  # C1 (0x9B is CSI, 0x9D is OSC)
    **{ord(char): ord(REPLACEMENT) for char in BIDI_CONTROLS},
}
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
# ESC or CSI/OSC/DCS introducers with what follows them, up to the sequence's end.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"                             # CSI ... final byte
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d-\x9f])[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)?"  # OSC/DCS/... ST
    r"|\x1b[ -/]*[0-~]?"                                              # any other ESC sequence
)


def visible(text: str) -> str:
    """`text` safe to print to a terminal: control characters replaced by visible symbols."""
    return text.translate(_VISIBLE)


def has_controls(text: str, allow: str = "\n\t") -> bool:
    """Whether `text` holds a control character other than those in `allow`."""
    return any(char not in allow for char in _CONTROL.findall(text))


def cleaned(text: str, keep: str = "\n\t") -> str:
    """`text` without escape sequences or control characters (those in `keep` stay)."""
    if not _CONTROL.search(text):
        return text
    text = _SEQUENCE.sub("", text)
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else "", text)


MAX_NAME_CHARS = 40


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a trainee's name (empty, too long, control characters), or None."""
    if has_controls(name, allow=""):
        return "学员姓名含有控制字符，请只用文字"
    text = name.strip()
    if not text:
        return "学员姓名不能为空"
    if len(text) > MAX_NAME_CHARS:
        return f"学员姓名过长：{len(text)} 字，上限为 {MAX_NAME_CHARS} 字"
    return None


def clean_name(name: str) -> str:
    """A name from elsewhere (the login name, an imported record): controls dropped, spaces collapsed."""
    return " ".join(cleaned(name, keep="").split())
