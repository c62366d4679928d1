"""The Textual TUI: home, play, debrief, history and help screens (imports engine, store)."""
