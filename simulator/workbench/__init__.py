"""The instructor's workbench behind `simulator new`, `coverage` and `calibrate`.

The engine computes values; these modules read files, write files and print text or JSON.
Nothing here imports Textual.
"""
