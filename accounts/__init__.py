"""Accounts, roles, sessions and API tokens (see ``accounts.base``)."""
