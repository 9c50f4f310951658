"""Sub-commands of the ``wildtrace`` CLI, one module each, each exposing ``register``."""
