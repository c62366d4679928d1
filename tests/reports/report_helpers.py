"""Hostile text for the report tests (their fixture is in conftest.py beside this file)."""
from __future__ import annotations

HOSTILE = "您先别着急<script>alert(1)</script>{{ 7*7 }} <img src=x onerror=alert(2)> **粗** [链](javascript:alert(3))"
HOSTILE_NAME = '小王<b onmouseover="alert(4)">'
