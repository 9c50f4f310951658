"""Outreach: what leaves wildtrace for platforms (takedown feeds, acknowledgements, signed
webhooks) and for campaigners (audiences). Contract: ``outreach.base``."""
