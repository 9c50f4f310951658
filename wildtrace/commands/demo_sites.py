"""``wildtrace demo-sites``: serve the three shipped demo sources in the foreground.

Ports and host come from ``[demo]`` settings (8101/8102/8103 on 127.0.0.1); flags
override them. ``--advance`` moves to the next epoch every ``demo.epoch_seconds``, as
the sites do under ``wildtrace run`` (both are ``wildtrace.components.demo_sites``).
SIGTERM is turned into ``KeyboardInterrupt`` (``_signals.until_stopped``) so Ctrl-C and
``kill`` both stop the servers cleanly and exit 0.
"""

from __future__ import annotations

import argparse
import threading

from wildtrace.commands._signals import until_stopped
from wildtrace.components import demo_sites
from wildtrace.config import Settings


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    demo = settings.demo
    ports = (
        demo.market_port if args.market_port is None else args.market_port,
        demo.api_port if args.api_port is None else args.api_port,
        demo.social_port if args.social_port is None else args.social_port,
    )
    with (
        until_stopped(),
        demo_sites(settings, host=args.host, ports=ports, epoch=args.epoch, advance=False) as sites,
    ):
        for name, url in sites.urls.items():
            print(f"{name:10} {url}", flush=True)
        print(f"epoch {sites.epoch}; Ctrl-C to stop", flush=True)
        stop = threading.Event()
        while not stop.wait(demo.epoch_seconds if args.advance else 3600):
            if args.advance:
                sites.set_epoch(sites.epoch + 1)
                print(f"epoch {sites.epoch}", flush=True)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo-sites", help="serve the demo marketplace, API and social feed")
    parser.add_argument("--host", help="address to bind (default: settings demo.host)")
    parser.add_argument("--market-port", type=int, help="bazaar port (default: demo.market_port)")
    parser.add_argument("--api-port", type=int, help="tradepost port (default: demo.api_port)")
    parser.add_argument("--social-port", type=int, help="wildfeed port (default: demo.social_port)")
    parser.add_argument("--epoch", type=int, default=0, help="epoch to serve first (default 0)")
    parser.add_argument(
        "--advance", action="store_true", help="advance one epoch every demo.epoch_seconds"
    )
    parser.set_defaults(handler=_handle)
