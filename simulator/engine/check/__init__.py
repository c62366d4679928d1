"""Validation diagnostics, golden tests, and loading content that is safe to play."""
