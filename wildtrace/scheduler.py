"""APScheduler 3.x wiring: one persistent job per source, stored in the data directory.

Jobs are references to plain functions (``wildtrace.jobs``) plus plain arguments, so the
SQLAlchemy job store can persist them and a restarted process picks the schedule up
where it left off. ``sync_jobs`` keeps a job whose trigger is unchanged (its next run
time survives the restart) and replaces or removes the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

JOB_PREFIX = "crawl:"
JOB_FUNC = "wildtrace.jobs:crawl_source"
# The outreach jobs (``wildtrace.jobs``): webhook push, removal re-checks, digests.
OUTREACH_PREFIX = "outreach:"
OUTREACH_FUNCS = {
    "push": "wildtrace.jobs:push_webhooks",
    "recheck": "wildtrace.jobs:recheck_listings",
    "digest": "wildtrace.jobs:send_digests",
}


@dataclass(frozen=True, slots=True)
class SourceSchedule:
    source: str
    interval_minutes: float | None = None
    cron: str | None = None

    def trigger(self) -> BaseTrigger:
        if self.cron:
            return CronTrigger.from_crontab(self.cron, timezone="UTC")
        return IntervalTrigger(minutes=self.interval_minutes or 60, timezone="UTC")


def make_scheduler(jobstore_path: Path, *, misfire_grace_seconds: int) -> BackgroundScheduler:
    """A scheduler whose jobs persist in ``jobstore_path`` (SQLite via SQLAlchemy)."""
    jobstore_path.parent.mkdir(parents=True, exist_ok=True)
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{jobstore_path}")},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": misfire_grace_seconds,
        },
        timezone="UTC",
    )


def sync_jobs(
    scheduler: BackgroundScheduler, schedules: Iterable[SourceSchedule], config_path: str | None
) -> list[str]:
    """Make the stored jobs match the profiles; returns the job ids now scheduled."""
    wanted = {JOB_PREFIX + s.source: s for s in schedules}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            log.info("removing schedule of vanished source %s", job.id)
            job.remove()
    for job_id, sched in wanted.items():
        trigger = sched.trigger()
        existing = scheduler.get_job(job_id)
        args = [sched.source, config_path]
        if existing and str(existing.trigger) == str(trigger) and list(existing.args) == args:
            continue
        scheduler.add_job(
            JOB_FUNC, trigger=trigger, id=job_id, name=job_id, args=args, replace_existing=True
        )
        log.info("scheduled %s: %s", job_id, trigger)
    return sorted(wanted)


def sync_outreach_jobs(
    scheduler: BackgroundScheduler, every_seconds: dict[str, float], config_path: str | None
) -> list[str]:
    """Schedule each outreach job (``OUTREACH_FUNCS``) at its interval; a job whose
    interval is 0 or missing is removed. Returns the job ids now scheduled."""
    scheduled = []
    for name, func in OUTREACH_FUNCS.items():
        job_id = OUTREACH_PREFIX + name
        seconds = every_seconds.get(name, 0)
        existing = scheduler.get_job(job_id)
        if seconds <= 0:
            if existing:
                existing.remove()
            continue
        trigger = IntervalTrigger(seconds=seconds, timezone="UTC")
        scheduled.append(job_id)
        if existing and str(existing.trigger) == str(trigger):
            continue
        scheduler.add_job(func, trigger=trigger, id=job_id, name=job_id, args=[config_path],
                          replace_existing=True)  # fmt: skip
        log.info("scheduled %s: %s", job_id, trigger)
    return scheduled
