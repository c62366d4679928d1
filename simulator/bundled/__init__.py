"""The bundled library as package data: scenarios/, rubrics/, schemas/ and references/laws/.

In a source checkout these are symlinks to the project's top-level folders (where authors edit
them); a built wheel holds real copies. Read them through `simulator.settings`, never by path
arithmetic from a module's location.
"""
