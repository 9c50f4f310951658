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
