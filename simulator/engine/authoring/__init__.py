"""Instructors' tools, off the runtime path: skeletons, calibration, coverage, diagrams."""
