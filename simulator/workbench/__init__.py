"""The instructor's workbench: `validate`, `list`, `graph`, `schema`, `new`, `coverage`, `calibrate`.

The engine computes values; these modules read files, write files and print text or JSON.
Nothing here imports Textual.
"""
