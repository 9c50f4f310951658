"""wildtrace: the composition root. Only this package knows every stage."""

__version__ = "0.1.0"
