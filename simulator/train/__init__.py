"""Training the learned judge from the labelled corpus (`simulator train`), and measuring it.

`corpus` reads data/corpus/train/ (PyYAML only); `figures` computes agreement figures (standard
library only; the benchmark and `simulator test --metrics` use it). The rest needs the optional
extra `.[train]` (scikit-learn, numpy, scipy): `learn` fits the models, `lopo` gives
leave-one-pass-out probabilities, `select` chooses thresholds and rules, `export` writes the
weights file the engine reads (simulator/engine/play/learned/), `pipeline` runs it all.
"""
