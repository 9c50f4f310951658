"""Storage and search: the ``Store`` protocol, SQLite (embedded default) and Elasticsearch."""
