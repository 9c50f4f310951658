"""The investigators' web app: pages, JSON API and exports (``create_app(store)``).

A reader of the store (``index.base``) and of the alert contract (``alerts.base``); no
stage imports it. Only the composition root (``wildtrace``) builds and serves it.
"""
