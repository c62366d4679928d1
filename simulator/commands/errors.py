"""Errors the command line shows as one line on stderr (exit code 1), and the adapter to them."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class UserError(Exception):
    """A problem with the user's input, shown as one line; exit code 1."""


@contextmanager
def content_errors() -> Iterator[None]:
    """Within this block, the engine's ContentError (content missing or not loading) is a UserError."""
    from ..engine.content.library import ContentError

    try:
        yield
    except ContentError as error:
        raise UserError(str(error)) from None


@contextmanager
def store_errors() -> Iterator[None]:
    """Within this block, the record store's StoreError is a UserError."""
    from ..store.records import StoreError

    try:
        yield
    except StoreError as error:
        raise UserError(str(error)) from None
