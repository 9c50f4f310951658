"""Alert queue operations for the SQLite store: plain functions over a connection.

The caller (``SqliteStore``) owns transactions; every function here runs inside one,
so an alert row and its audit entry are written together or not at all. Audit rows are
append-only (schema triggers refuse UPDATE/DELETE) and ordered by ``seq``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import replace

from alerts.base import STATES, Alert, AuditEntry, ConflictError, UnknownAlertError
from common.clock import utc_now
from index.base import AlertFilter

ACTION_CREATED = "created"
ACTION_STATE = "state"

_ALERT_COLUMNS = (
    "id, listing_key, source, rule, score, commodity, intent, created_at, updated_at, "
    "state, version, seller_id, title"
)
_AUDIT_INSERT = (
    "INSERT INTO alert_audit(alert_id, at, actor, action, from_state, to_state, note) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _alert(row: sqlite3.Row) -> Alert:
    return Alert(**{k: row[k] for k in row.keys()})


def upsert(conn: sqlite3.Connection, alerts: Iterable[Alert]) -> int:
    """Create new alerts (with a "created" audit entry) or refresh existing ones."""
    batch: dict[str, Alert] = {}
    for alert in alerts:
        batch[alert.id] = alert  # the last word on an id within one batch wins
    if not batch:
        return 0
    ids = list(batch)
    existing: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        existing.update(
            r[0] for r in conn.execute(f"SELECT id FROM alerts WHERE id IN ({marks})", chunk)
        )
    new = [a for a in batch.values() if a.id not in existing]
    old = [a for a in batch.values() if a.id in existing]
    conn.executemany(
        f"INSERT INTO alerts({_ALERT_COLUMNS}) VALUES ({','.join('?' * 13)})",
        [
            (a.id, a.listing_key, a.source, a.rule, a.score, a.commodity, a.intent)
            + (a.created_at, a.updated_at, a.state, a.version, a.seller_id, a.title)
            for a in new
        ],
    )
    conn.executemany(
        _AUDIT_INSERT,
        [(a.id, a.created_at, f"rule:{a.rule}", ACTION_CREATED, None, a.state, "") for a in new],
    )
    conn.executemany(
        "UPDATE alerts SET score = ?, commodity = ?, intent = ?, title = ?, updated_at = ? "
        "WHERE id = ?",
        [(a.score, a.commodity, a.intent, a.title, a.updated_at, a.id) for a in old],
    )
    return len(new)


def get(conn: sqlite3.Connection, alert_id: str) -> Alert | None:
    row = conn.execute(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    return _alert(row) if row else None


def _where(flt: AlertFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    for name in ("state", "source", "commodity", "seller_id"):
        value = getattr(flt, name)
        if value is not None:
            clauses.append(f"{name} = ?")
            params.append(value)
    if flt.min_score is not None:
        clauses.append("score >= ?")
        params.append(float(flt.min_score))
    return (" AND ".join(clauses) or "1"), params


def list_(conn: sqlite3.Connection, flt: AlertFilter) -> list[Alert]:
    where, params = _where(flt)
    limit, offset = max(0, min(int(flt.limit), 10_000)), max(0, int(flt.offset))
    rows = conn.execute(
        f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE {where} "
        "ORDER BY score DESC, created_at, id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_alert(r) for r in rows]


def count(conn: sqlite3.Connection, flt: AlertFilter) -> int:
    where, params = _where(flt)
    return int(conn.execute(f"SELECT count(*) FROM alerts WHERE {where}", params).fetchone()[0])


def set_state(
    conn: sqlite3.Connection,
    alert_id: str,
    state: str,
    *,
    actor: str,
    expected_version: int,
    note: str,
) -> Alert:
    """Compare-and-set the state; append the audit entry. Run inside a write transaction."""
    if state not in STATES:
        raise ValueError(f"state must be one of {STATES}, not {state!r}")
    current = get(conn, alert_id)
    if current is None:
        raise UnknownAlertError(alert_id)
    if current.version != expected_version:
        raise ConflictError(
            f"alert {alert_id} is at version {current.version}, not {expected_version}"
        )
    now = utc_now()
    conn.execute(
        "UPDATE alerts SET state = ?, version = version + 1, updated_at = ? "
        "WHERE id = ? AND version = ?",
        (state, now, alert_id, expected_version),
    )
    conn.execute(_AUDIT_INSERT, (alert_id, now, actor, ACTION_STATE, current.state, state, note))
    return replace(current, state=state, version=current.version + 1, updated_at=now)


def history(conn: sqlite3.Connection, alert_id: str) -> list[AuditEntry]:
    rows = conn.execute(
        "SELECT alert_id, at, actor, action, from_state, to_state, note FROM alert_audit "
        "WHERE alert_id = ? ORDER BY seq",
        (alert_id,),
    )
    return [AuditEntry(*r) for r in rows]
