"""Pushing feed items out: signed webhooks (``signing``, ``ssrf``, ``outbox``)."""
