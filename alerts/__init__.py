"""Alerts: rules, the triage queue, takedown feeds, audiences, notifications and the web app."""
