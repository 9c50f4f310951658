"""The outreach stage, wired: takedown feeds, webhooks, digests, saved searches and
removal re-checks built from settings, for the web app, the commands and the scheduler.

Files: the feed ledger, webhook outbox, subscriptions and saved searches share
``<data_dir>/feeds.db`` (each opens its own connection; SQLite WAL). Secrets come only
from the environment (``wildtrace.config.SECRET_ENV``, per-partner webhook secrets).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from accounts.base import ROLE_PARTNER, Accounts
from common.clock import utc_now
from outreach.digests import run_saved_searches, send_digests
from outreach.feeds import FeedPolicy
from outreach.ledger import FeedLedger
from outreach.notify.mail import Mailer, SmtpServer
from outreach.notify.outbox import Outbox
from outreach.service import Audiences, Feeds, Notifications
from outreach.subscriptions import Subscriptions
from wildtrace.components import accounts_session, store_session
from wildtrace.config import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI


def feeds_db(settings: Settings) -> Any:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings.data_dir / "feeds.db"


def feed_policy(settings: Settings) -> FeedPolicy:
    return FeedPolicy(settings.classifier.takedown_threshold, tuple(settings.feeds.auto_sources))


def build_outbox(settings: Settings) -> Outbox:
    """The webhook outbox as configured (``[feeds] webhook_*``)."""
    return Outbox(
        feeds_db(settings),
        max_attempts=settings.feeds.webhook_max_attempts,
        backoff_s=settings.feeds.webhook_backoff_seconds,
        timeout_s=settings.feeds.webhook_timeout,
        allow_private=tuple(settings.feeds.webhook_allow_private),
    )


def build_mailer(settings: Settings) -> Mailer:
    """The e-mail channel as configured (``[mail]``; SMTP credentials from the env)."""
    mail = settings.mail
    server = SmtpServer(
        mail.host, mail.port, mail.starttls, mail.timeout, mail.cafile,
        settings.secret("smtp_username"), settings.secret("smtp_password"),
    )  # fmt: skip
    return Mailer(mail.mode, mail.sender, server, settings.data_dir / "mail")


def attach_feed_services(app: FastAPI, settings: Settings) -> None:
    """Takedown feeds, webhooks, audiences, subscriptions and saved searches on the web
    app's state (see ``web.feeds_api.attach_outreach``)."""
    from web.feeds_api import attach_outreach

    store = app.state.store
    feeds = Feeds(store, FeedLedger(feeds_db(settings)), feed_policy(settings))
    audiences = Audiences(store, settings.audiences.min_cell)
    attach_outreach(app, feeds, audiences, build_outbox(settings))
    app.state.notify = Notifications(store, Subscriptions(feeds_db(settings)))
    app.state.contact_lists = settings.audiences.contact_lists


def partner_scopes(accounts: Accounts) -> dict[str, tuple[str, ...]]:
    """Enabled partner accounts and the sources each may read."""
    return {u.username: u.sources for u in accounts.list_users()
            if u.role == ROLE_PARTNER and not u.disabled}  # fmt: skip


def push_webhooks(settings: Settings, outbox: Outbox | None = None) -> dict[str, int]:
    """Sync the feed, queue what each partner's channel has not had, deliver what is due."""
    own = outbox is None
    box = build_outbox(settings) if outbox is None else outbox
    ledger = FeedLedger(feeds_db(settings))
    try:
        with store_session(settings) as store, accounts_session(settings) as accounts:
            feeds = Feeds(store, ledger, feed_policy(settings))
            queued = feeds.push(box, partner_scopes(accounts), time.time())
        return {"queued": queued, **box.deliver_due(time.time())}
    finally:
        ledger.close()
        if own:
            box.close()


def run_digests(settings: Settings, mailer: Mailer | None = None) -> dict[str, int]:
    """Run saved searches on new alerts, then send every due digest (``[mail]``)."""
    ledger = FeedLedger(feeds_db(settings))
    subs = Subscriptions(feeds_db(settings))
    try:
        with store_session(settings) as store, accounts_session(settings) as accounts:
            feeds = Feeds(store, ledger, feed_policy(settings))
            matched = run_saved_searches(store, subs, utc_now())
            counts = send_digests(
                subs,
                mailer or build_mailer(settings),
                partner_scopes(accounts),
                lambda sources, cursor: feeds.page(sources, cursor, 200),
                Audiences(store, settings.audiences.min_cell).table,
                utc_now(),
            )
        return {"matched": matched, **counts}
    finally:
        subs.close()
        ledger.close()
