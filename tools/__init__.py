"""Project tools run by make targets (import contracts, size limits)."""
