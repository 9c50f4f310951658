"""Seller networks: accounts linked by the identifiers their adverts share (see graph.py)."""
