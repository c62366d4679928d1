"""The learned layer: one logistic model per criterion over character n-grams, read from shipped weights.

Standard library only at run time. `features` lists a reply's n-grams (the same function builds
the training vectors, so training and scoring cannot drift apart); `model` reads a weights file
and turns a reply into probabilities; `evidence` finds the words that drove a verdict. The
weights are loaded on first use, never on import. `simulator train` (simulator/train/) writes them.
"""
