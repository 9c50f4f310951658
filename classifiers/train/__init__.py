"""Training and evaluation of the text detector: corpus generation, the keyword baseline,
feedback folding, head training and metrics. Used by ``wildtrace train-text``/``eval-text``."""
