"""Classifiers: text (lexicon + learned), image and entity detectors behind one contract."""
