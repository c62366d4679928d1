"""The pipe protocol between the server and a Textual app run with Textual's web driver.

The app writes `__GANGLION__\n` once it is up, then packets: one type byte (`D` terminal output,
`M` JSON meta such as `{"type": "exit"}`, `P` packed file chunks), a 4-byte big-endian length,
the payload. The server writes the same framing to the app's stdin: `D` for keystrokes, `M` for
`resize`, `focus`, `blur` and `quit`.
"""
from __future__ import annotations

import json
from typing import Any

PRELUDE = b"__GANGLION__\n"
DATA, META, PACKED = b"D", b"M", b"P"
HEADER = 5
MAX_PACKET = 32 * 1024 * 1024  # far above any frame: a larger length means the stream is not the protocol


class ProtocolError(Exception):
    """The app's output is not the web driver's protocol."""


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def keys(text: str) -> bytes:
    return packet(DATA, text.encode("utf-8"))


def meta(kind: str, **fields: Any) -> bytes:
    return packet(META, json.dumps({"type": kind, **fields}).encode("utf-8"))


def parse_header(header: bytes) -> tuple[bytes, int]:
    """The type and payload length of a packet from its five header bytes."""
    kind, size = header[:1], int.from_bytes(header[1:HEADER], "big")
    if kind not in (DATA, META, PACKED) or size > MAX_PACKET:
        raise ProtocolError(f"unexpected packet header {header!r}")
    return kind, size
