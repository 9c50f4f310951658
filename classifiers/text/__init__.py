"""Text detectors: the multilingual lexicon detector and the learned model built on it."""
