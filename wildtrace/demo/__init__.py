"""The demo sources wildtrace ships and serves itself.

Public API: ``DemoSites`` (the three servers), ``demo_truth(epoch)`` and
``evaluate(alerted_keys, epoch)`` (ground truth and scoring), ``snapshot(epoch)`` (the
corpus records themselves, for tests and benchmarks), ``loopback_settings(data_dir)``
(settings for crawling them fast, politeness off: loopback only). Importing this package starts
nothing and builds nothing.
"""

from wildtrace.demo.epochs import Snapshot, snapshot
from wildtrace.demo.model import COMMODITIES, LANGS, SOURCES, DemoItem
from wildtrace.demo.server import DemoSites
from wildtrace.demo.settings import loopback_settings, served_settings
from wildtrace.demo.truth import demo_truth, evaluate

__all__ = [
    "COMMODITIES",
    "LANGS",
    "SOURCES",
    "DemoItem",
    "DemoSites",
    "Snapshot",
    "demo_truth",
    "evaluate",
    "loopback_settings",
    "served_settings",
    "snapshot",
]
