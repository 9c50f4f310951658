"""The schedule lives in the data directory and survives a restart."""

from __future__ import annotations

from pathlib import Path

from wildtrace.scheduler import JOB_PREFIX, SourceSchedule, make_scheduler, sync_jobs


def _started(path: Path):  # type: ignore[no-untyped-def]
    scheduler = make_scheduler(path, misfire_grace_seconds=60)
    # Paused: jobs are scheduled and persisted but nothing runs during the test.
    scheduler.start(paused=True)
    return scheduler


def test_schedule_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    schedules = [
        SourceSchedule("bazaar", interval_minutes=30),
        SourceSchedule("wildfeed", cron="0 */6 * * *"),
    ]
    first = _started(path)
    sync_jobs(first, schedules, "conf.toml")
    before = {job.id: (str(job.trigger), job.next_run_time) for job in first.get_jobs()}
    first.shutdown(wait=False)

    second = _started(path)
    try:
        after = {job.id: (str(job.trigger), job.next_run_time) for job in second.get_jobs()}
        # Syncing the same profiles again must keep the stored next run times.
        sync_jobs(second, schedules, "conf.toml")
        resynced = {job.id: (str(job.trigger), job.next_run_time) for job in second.get_jobs()}
    finally:
        second.shutdown(wait=False)
    assert set(before) == {JOB_PREFIX + "bazaar", JOB_PREFIX + "wildfeed"}
    assert after == before
    assert resynced == before


def test_jobs_use_single_instance_and_coalescing(tmp_path: Path) -> None:
    scheduler = _started(tmp_path / "jobs.db")
    try:
        sync_jobs(scheduler, [SourceSchedule("bazaar", interval_minutes=5)], None)
        job = scheduler.get_job(JOB_PREFIX + "bazaar")
        assert job.max_instances == 1
        assert job.coalesce is True
        assert job.misfire_grace_time == 60
        assert job.func_ref == "wildtrace.jobs:crawl_source"
    finally:
        scheduler.shutdown(wait=False)


def test_changed_and_removed_sources_update_the_store(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    scheduler = _started(path)
    sync_jobs(
        scheduler,
        [SourceSchedule("a", interval_minutes=5), SourceSchedule("b", interval_minutes=5)],
        None,
    )
    sync_jobs(scheduler, [SourceSchedule("a", interval_minutes=10)], None)
    scheduler.shutdown(wait=False)
    again = _started(path)
    try:
        jobs = {job.id: str(job.trigger) for job in again.get_jobs()}
    finally:
        again.shutdown(wait=False)
    assert set(jobs) == {JOB_PREFIX + "a"}
    assert "0:10:00" in jobs[JOB_PREFIX + "a"]


def test_the_outreach_jobs_follow_the_settings(tmp_path: Path) -> None:
    from wildtrace.config import load_settings
    from wildtrace.scheduler import OUTREACH_PREFIX, sync_outreach_jobs
    from wildtrace.service import outreach_intervals

    intervals = outreach_intervals(load_settings(env={"WILDTRACE_MAIL_MODE": "off"}))
    assert intervals == {"push": 60.0, "recheck": 900.0, "digest": 0.0}
    scheduler = _started(tmp_path / "jobs.db")
    try:
        assert sync_outreach_jobs(scheduler, {**intervals, "digest": 3600.0}, None) == [
            OUTREACH_PREFIX + n for n in ("push", "recheck", "digest")
        ]
        assert sync_outreach_jobs(scheduler, intervals, None) == [
            OUTREACH_PREFIX + "push", OUTREACH_PREFIX + "recheck",
        ]  # fmt: skip
        assert scheduler.get_job(OUTREACH_PREFIX + "digest") is None
    finally:
        scheduler.shutdown(wait=False)


def test_the_push_job_delivers_a_confirmed_alert_on_its_own(tmp_path: Path) -> None:
    """The scheduler (not the test) runs the push job: a confirmed alert reaches the
    partner's webhook, signature checked by the receiver."""
    import time

    from factories import make_detection, make_listing
    from test_outreach_notify_outbox import Receiver
    from web_accounts import CHEAP

    from accounts.sqlite import SqliteAccounts
    from alerts.rules import ThresholdRule, apply_rules
    from index.sqlite import SqliteStore
    from wildtrace.config import load_settings
    from wildtrace.outreach_wiring import build_outbox
    from wildtrace.scheduler import sync_outreach_jobs

    receiver = Receiver()
    config = tmp_path / "wildtrace.toml"
    config.write_text(
        f'[data]\ndir = "{tmp_path}"\n[feeds]\nwebhook_allow_private = ["127.0.0.1"]\n'
    )
    settings = load_settings(config, env={})
    item = make_listing(source="bazaar", listing_id="1")
    store = SqliteStore(settings.sqlite_path)
    store.init()
    store.upsert_listings([item])
    (alert,) = apply_rules([ThresholdRule(0.5)], [(item, make_detection(item))])
    store.upsert_alerts([alert])
    store.set_alert_state(alert.id, "confirmed", actor="ana", expected_version=1)
    store.close()
    accounts = SqliteAccounts(tmp_path / "accounts.db", hasher=CHEAP)
    accounts.add_user("pat", "a long partner password", "partner", sources=("bazaar",))
    accounts.close()
    outbox = build_outbox(settings)
    receiver.secret = outbox.add_channel("pat", receiver.url, at="2026-11-30T00:00:00Z") or ""
    outbox.close()
    scheduler = make_scheduler(tmp_path / "jobs.db", misfire_grace_seconds=60)
    scheduler.start()
    try:
        sync_outreach_jobs(scheduler, {"push": 1.0}, str(config))
        deadline = time.monotonic() + 60
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=False)
        receiver.server.shutdown()
        receiver.server.server_close()
    (got,) = receiver.requests
    assert got["valid"] and got["body"]["id"] == alert.id
