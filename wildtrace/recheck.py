"""The re-check prober (``outreach.base.Prober``) and the re-check job.

A listing URL was written by the site (hostile), so a re-check obeys the source's own
egress policy, exactly as its crawl does (``crawlers.egress``): only the profile's
origin and declared hosts, and no private, loopback or link-local address unless the
profile allows it; the name is resolved once, every address checked, and the request
goes to the checked address (``outreach.notify``'s pinned transport). Redirects are not
followed: a redirect is ``unreadable`` (it may be a login wall, a home page or a removal
notice; we cannot tell, and "could not read it" is never "removed").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from common.clock import utc_now
from crawlers.egress import EgressPolicy
from crawlers.profiles import load_profiles
from outreach.base import CHECK_GONE, CHECK_ONLINE, CHECK_UNREADABLE, BlockedTarget, Probe
from outreach.ledger import FeedLedger
from outreach.notify.ssrf import check_target
from outreach.notify.transport import SendError, request
from outreach.rechecks import recheck_due
from wildtrace.components import store_session
from wildtrace.config import Settings
from wildtrace.pipeline import demo_base_urls

log = logging.getLogger(__name__)
ANYWHERE = ("0.0.0.0/0", "::/0")  # a profile with allow_private: the policy said so
GONE_STATUSES = (404, 410)


def outcome_of(status: int) -> str:
    if 200 <= status < 300:
        return CHECK_ONLINE
    return CHECK_GONE if status in GONE_STATUSES else CHECK_UNREADABLE


@dataclass
class ProfileProber:
    """Requests listing URLs under their source's egress policy."""

    policies: dict[str, EgressPolicy]
    user_agent: str
    timeout: float

    def __call__(self, source: str, url: str) -> Probe:
        policy = self.policies.get(source)
        if policy is None:
            return Probe(CHECK_UNREADABLE, None, f"no site profile for source {source!r}")
        refusal = policy.refusal(url, None)
        if refusal:
            return Probe(CHECK_UNREADABLE, None, f"egress refused: {refusal}")
        try:
            target = check_target(url, ANYWHERE if policy.allow_private else ())
            status = request("GET", target, None, {"User-Agent": self.user_agent}, self.timeout)
        except (BlockedTarget, SendError) as exc:
            return Probe(CHECK_UNREADABLE, None, str(exc)[:500])
        return Probe(outcome_of(status), status, f"HTTP {status}")


def build_prober(settings: Settings) -> ProfileProber:
    """Policies of every loadable profile (demo sources at their configured ports)."""
    profiles, _ = load_profiles(settings.crawl.sources_dir or None)
    demo = demo_base_urls(settings)
    policies = {}
    for profile in profiles:
        base = demo.get(profile.name) or profile.base_url
        policies[profile.name] = EgressPolicy.for_site(
            base, profile.egress.hosts, profile.egress.image_hosts, profile.egress.allow_private
        )
    agent = f"{settings.crawl.user_agent} ({settings.crawl.contact})"
    return ProfileProber(policies, agent, settings.crawl.timeout)


def recheck(settings: Settings, prober: ProfileProber | None = None) -> dict[str, int]:
    """Re-check the feed items that are due (``[feeds] recheck_*``)."""
    every = timedelta(minutes=settings.feeds.recheck_interval_minutes)
    older = (datetime.now(UTC) - every).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    ledger = FeedLedger(settings.data_dir / "feeds.db")
    try:
        with store_session(settings) as store:
            return recheck_due(
                store,
                ledger,
                prober or build_prober(settings),
                now=utc_now(),
                older_than=older,
                limit=settings.feeds.recheck_batch,
            )
    finally:
        ledger.close()
