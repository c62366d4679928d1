"""The pure domain: content models, loading, validation, scoring and sessions.

No Textual, no Rich, no SQLite, no printing. Submodules are imported where needed.
"""
