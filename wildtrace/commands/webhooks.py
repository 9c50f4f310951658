"""``wildtrace webhooks add|list|push|dead|replay``: partners' signed webhooks.

``add PARTNER URL`` registers the partner's channel (``--dry-run`` to only record what
would be sent) and prints a generated signing secret once, unless
``WILDTRACE_WEBHOOK_SECRET_<PARTNER>`` supplies it. ``push`` syncs the takedown feed,
queues every item a partner's channel has not had, and attempts every due delivery once
(run it from cron or a loop; retries follow the backoff schedule). ``dead`` lists dead
letters, ``replay ID`` queues one again (it is delivered once).
"""

from __future__ import annotations

import argparse
import sys
import time

from common.clock import utc_now
from outreach.base import BlockedTarget
from wildtrace.config import Settings
from wildtrace.outreach_wiring import build_outbox, push_webhooks


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    outbox = build_outbox(settings)
    try:
        if args.action == "add":
            if not args.partner or not args.url:
                raise ValueError("webhooks add needs PARTNER and URL")
            secret = outbox.add_channel(args.partner, args.url, dry_run=args.dry_run, at=utc_now())
            print(f"signing secret (shown once): {secret}" if secret else "secret from env")
        elif args.action == "list":
            for partner, url, dry, after in outbox.channels():
                print(f"{partner}\t{url}\t{'dry-run' if dry else 'live'}\tafter={after}")
        elif args.action == "dead":
            for d in outbox.deliveries("dead"):
                print(f"{d.id}\t{d.partner}\t{d.item_id}\t{d.attempts}\t{d.last_error}")
        elif args.action == "replay":
            ok = outbox.replay(int(args.partner or "0"), time.time())
            print("queued" if ok else "not a dead letter")
            return 0 if ok else 1
        else:
            print(push_webhooks(settings, outbox))
        return 0
    except (BlockedTarget, ValueError) as exc:
        print(f"wildtrace webhooks: {exc}", file=sys.stderr)
        return 2
    finally:
        outbox.close()


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("webhooks", help="partners' signed webhooks: add, push, dead letters")
    parser.add_argument("action", choices=("add", "list", "push", "dead", "replay"))
    parser.add_argument("partner", nargs="?", help="add: partner account; replay: delivery id")
    parser.add_argument("url", nargs="?", help="add: the partner's https URL")
    parser.add_argument("--dry-run", action="store_true", help="add: record, never send")
    parser.set_defaults(handler=_handle)
