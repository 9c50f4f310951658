"""Settings for crawling the demo sites as fast as they answer (tests and benchmarks).

Politeness settings (AutoThrottle, a download delay, a few concurrent requests per site)
protect other people's servers. The callers of ``loopback_settings`` crawl only the demo
sites they start themselves on 127.0.0.1, so politeness would only slow them down and
make timings depend on AutoThrottle's guesses: it is switched off here, and these
settings must never be pointed at anyone else's site. robots.txt is still obeyed (the
demo sites test that).

The image encoder is off (``image.encoder = "none"``): these runs hash images and match
them against the bank like any run, but skip the ImageNet network, whose concept scores
cannot raise an alert on their own (``classifiers/fuse.py``) and whose cost is measured
by ``benchmarks/bench_image.py``, not by the crawl benchmark.

``demo.enabled`` is off because such callers start their own ``DemoSites`` on ephemeral
ports and pass its URLs as ``base_urls``; the configured fixed demo ports play no part.
``served_settings`` is for callers that name sources without URLs: it turns the demo on
at the given URLs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from wildtrace.config import Settings, load_settings

LOOPBACK_CONCURRENCY = 16


def loopback_settings(data_dir: Path, base: Settings | None = None) -> Settings:
    """``base`` (default: the built-in defaults, no environment) with its data under
    ``data_dir``, crawl politeness off and the configured demo sites off."""
    if base is None:
        base = load_settings(env={})
    return replace(
        base,
        data=replace(base.data, dir=str(data_dir)),
        crawl=replace(base.crawl, autothrottle=False, concurrency=LOOPBACK_CONCURRENCY, delay=0.0),
        demo=replace(base.demo, enabled=False),
        image=replace(base.image, encoder="none"),
    )


def served_settings(data_dir: Path, urls: dict[str, str]) -> Settings:
    """``loopback_settings`` with the demo sources at ``urls`` (``DemoSites.urls``, ephemeral
    ports) as the configured demo: for callers that crawl by source name without passing
    base URLs (the desk's "Re-crawl now"), and with the lexicon detector, which is quick
    to load."""
    base = loopback_settings(data_dir)
    ports = {name: int(url.rsplit(":", 1)[1]) for name, url in urls.items()}
    demo = replace(base.demo, enabled=True, host="127.0.0.1", market_port=ports["bazaar"],
                   api_port=ports["tradepost"], social_port=ports["wildfeed"])  # fmt: skip
    return replace(base, demo=demo, classifier=replace(base.classifier, kind="lexicon"))
