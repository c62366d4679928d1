"""The command line's handlers, one module per group; `simulator.cli` builds the parser and dispatches.

- `authoring`: validate, list, graph, schema, new, coverage (instructors' tools)
- `scoring`: score, test, calibrate
- `play`: the TUI's home screen, play (TUI, --watch, --script)
- `records`: history, report, cohort, export, import
- `errors`: UserError (one line on stderr, exit 1) and the content-error adapter
- `output`: display widths, paths as the user sees them, writing to stdout or a file

Handlers take `(args, settings)` and import nothing heavy at module level: the engine, the
store and Textual load only for the command that needs them. The `*_output`, `*_report`,
`scaffold` and `script` modules do the printing and are imported inside the handlers.
"""
