"""The pure domain: no Textual, no Rich, no SQLite, no printing, no environment.

Four layers, each importing only the ones before it:

- `content`: the formats (pydantic models), the YAML loader with located diagnostics, finding
  files in a library of folders, the JSON Schema;
- `play`: the runtime: Chinese text matching, compiled rubric checks, scoring, conditions and
  templates, the immutable Session;
- `check`: validation (graph, state, expressions, rubric), golden tests, and loading content
  that is safe to play;
- `authoring`: instructors' tools only the command line uses: skeletons, calibration,
  coverage, diagrams.

Submodules are imported where needed; this package imports nothing.
"""
