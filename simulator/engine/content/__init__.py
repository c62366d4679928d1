"""Content formats: models, the YAML loader and its diagnostics, the library of folders, the JSON Schema."""
