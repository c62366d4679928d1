"""The runtime: text matching, compiled checks, scoring, expressions and the Session.

Imports `content` only; never `check` or `authoring` (a test enforces it).
"""
