"""The investigators' web app: pages, JSON API and exports (``create_app(store)``)."""
