"""Signals between crawl components that Scrapy has no word for, and the request meta key
that names a request's crawl.

One process runs one crawl, but a frontier worker (``crawlers.frontier_scrapy``) runs
one crawl after another, several workers sharing each: it tags every request with its
crawl (``CRAWL_META``), the WARC middleware keeps one file per crawl and says when it
opens and seals one, and the worker tells it when a crawl is over.
"""

from __future__ import annotations

CRAWL_META = "wt_crawl"  # request meta: the frontier crawl id (absent in one process)

warc_opened = object()  # kwargs: crawl (str | None)
warc_sealed = object()  # kwargs: crawl (str | None), file (relative path), sha256
seal_warc = object()  # kwargs: crawl (str): that crawl is over, seal its WARC file
crawl_started = object()  # kwargs: crawl (str): a frontier worker meets a new crawl
