"""Alerts: rules, the triage queue (states and audit), takedown feeds, audiences, notifications."""
