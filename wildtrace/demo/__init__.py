"""The demo sources wildtrace ships and serves itself (see ``server.DemoSites``)."""
