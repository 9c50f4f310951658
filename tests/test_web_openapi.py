"""The API against its own OpenAPI description: ``schemathesis`` generates requests for
every operation the app describes (paths, query, bodies; valid and invalid), sends them
to the real app (in-process ASGI, a real SQLite store, accounts, feed ledger, webhook
outbox, subscriptions) signed in with API tokens, and fails on any server error (5xx).
Deterministic (``derandomize``), so a failure reproduces.

Plus the human-readable reference page (``/api/docs``): every described operation is on
it, and it loads nothing from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from web_accounts import make_accounts
from web_factories import populate, standard_pairs

from index.sqlite import SqliteStore
from outreach.base import BlockedTarget
from outreach.feeds import FeedPolicy
from outreach.ledger import FeedLedger
from outreach.notify.outbox import Outbox
from outreach.service import Audiences, Feeds, Notifications
from outreach.subscriptions import Subscriptions
from web.app import create_app
from web.feeds_api import attach_outreach
from wildtrace.demo import DemoSites, served_settings
from wildtrace.worker import DeskRecrawler


def offline_resolver(host: str, port: int) -> list[str]:
    """Webhook hosts the fuzzer invents are never looked up (tests make no DNS query):
    an address literal resolves to itself, a name is refused."""
    if re.fullmatch(r"[0-9.]+|[0-9a-fA-F:]+", host):
        return [host]
    raise BlockedTarget(f"cannot resolve {host!r} (offline test resolver)")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("openapi")
    store = SqliteStore(tmp / "w.db")
    store.init()
    populate(store, standard_pairs(12))
    accounts = make_accounts(tmp)
    ledger = FeedLedger(tmp / "feeds.db")
    outbox = Outbox(tmp / "feeds.db", resolve=offline_resolver)
    subs = Subscriptions(tmp / "feeds.db")
    application = create_app(store, accounts=accounts)
    attach_outreach(application, Feeds(store, ledger, FeedPolicy(0.5, ("*",))),
                    Audiences(store, 10), outbox)  # fmt: skip
    application.state.notify = Notifications(store, subs)
    application.state.contact_lists = True
    # The desk's re-crawler over the demo sources on loopback: a fuzzed POST that names a
    # real source crawls the demo site for real, in the background.
    sites = DemoSites().start()
    application.state.recrawl = DeskRecrawler(served_settings(tmp / "crawl", sites.urls))
    application.state.tokens = {name: accounts.new_token(name, "schemathesis")
                                for name in ("root", "pat", "cam")}  # fmt: skip
    yield application
    sites.stop()
    subs.close()
    outbox.close()
    ledger.close()
    accounts.close()
    store.close()


FUZZ = settings(max_examples=10, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip


def fuzz(app: Any, who: str) -> list[str]:
    """Every described operation, fuzzed with ``who``'s token; the operations run."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = {"Authorization": f"Bearer {app.state.tokens[who]}"}
    ran = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err raises: the test fails

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        run()
        ran.append(f"{operation.method.upper()} {operation.path}")
    return ran


# One test per role (an admin, a partner, a campaigner): each reaches different code.
@pytest.mark.parametrize("who", ["root", "pat", "cam"])
def test_no_operation_answers_with_a_server_error(app: Any, who: str) -> None:
    ran = fuzz(app, who)
    assert "POST /api/v1/feeds/takedown/{item_id}/ack" in ran and len(ran) > 40


def test_the_reference_page_lists_every_operation(app: Any) -> None:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        spec = client.get("/api/openapi.json").json()
        page = client.get("/api/docs")
    assert page.status_code == 200
    for path, item in spec["paths"].items():
        for method in item:
            assert f'<code class="method">{method.upper()}</code> <code>{path}</code>' in page.text
    assert "/api/v1/feeds/takedown/{item_id}/ack" in page.text and "AckBody" in page.text
    assert not re.search(r'(src|href)="(https?:)?//', page.text)  # nothing from elsewhere


def test_the_docs_reader_needs_no_account(app: Any) -> None:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        assert client.get("/api/docs").status_code == 200
        assert client.get("/api/openapi.json").status_code == 200
        moved = client.get("/openapi.json", follow_redirects=False)
        assert (moved.status_code, moved.headers["location"]) == (308, "/api/openapi.json")
