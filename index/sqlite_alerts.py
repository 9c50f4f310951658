"""Alert queue operations for the SQLite store: plain functions over a connection.

The caller (``SqliteStore``) owns transactions; every function here runs inside one,
so an alert row and its audit entry are written together or not at all. Audit rows are
append-only (schema triggers refuse UPDATE/DELETE) and ordered by ``seq``. What is
written is decided by ``index.rules`` (upsert plan) and ``alerts.base`` (transitions).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from alerts.base import REFRESHED_FIELDS, Alert, AuditEntry, ConflictError, UnknownAlertError
from index.base import AlertFilter
from index.rules import Decide, plan_alert_upsert, refreshed_fields

_ALERT_COLUMNS = (
    "id, listing_key, source, rule, score, commodity, intent, created_at, updated_at, "
    "state, version, seller_id, title, assignee, priority, network"
)
_AUDIT_COLUMNS = "alert_id, at, actor, action, from_state, to_state, note, reason"
_AUDIT_INSERT = f"INSERT INTO alert_audit({_AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_REFRESH = ", ".join(f"{name} = ?" for name in (*REFRESHED_FIELDS, "version"))


def _alert(row: sqlite3.Row) -> Alert:
    return Alert(**{k: row[k] for k in row.keys()})


def _audit_row(entry: AuditEntry) -> tuple[object, ...]:
    return tuple(entry.to_dict().values())


def _existing(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Alert]:
    found: dict[str, Alert] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id IN ({marks})", chunk)
        found.update((r["id"], _alert(r)) for r in rows)
    return found


def upsert(conn: sqlite3.Connection, batch: Sequence[Alert]) -> int:
    """Create new alerts (with a "created" audit entry) or refresh existing ones (with a
    "refreshed" entry when what they show changed); one write transaction."""
    plan = plan_alert_upsert(batch, _existing(conn, [a.id for a in batch]))
    conn.executemany(
        f"INSERT INTO alerts({_ALERT_COLUMNS}) VALUES ({','.join('?' * 16)})",
        [tuple(a.to_dict().values()) for a in plan.created],
    )
    conn.executemany(_AUDIT_INSERT, [_audit_row(e) for e in plan.entries])
    conn.executemany(
        f"UPDATE alerts SET {_REFRESH} WHERE id = ? AND version = ?",
        [(*refreshed_fields(a).values(), a.id, plan.read_versions[a.id]) for a in plan.refreshed],
    )
    return len(plan.created)


def get(conn: sqlite3.Connection, alert_id: str) -> Alert | None:
    row = conn.execute(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    return _alert(row) if row else None


def _where(flt: AlertFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    for name in ("state", "source", "commodity", "seller_id", "network"):
        value = getattr(flt, name)
        if value is not None:
            clauses.append(f"{name} = ?")
            params.append(value)
    if flt.min_score is not None:
        clauses.append("score >= ?")
        params.append(float(flt.min_score))
    return (" AND ".join(clauses) or "1"), params


def list_(conn: sqlite3.Connection, flt: AlertFilter) -> list[Alert]:
    """One page in queue order; ``flt.after`` continues after that alert (keyset)."""
    where, params = _where(flt)
    if flt.after is not None:
        c = flt.after
        where += (
            " AND (priority < ? OR (priority = ? AND (score < ? OR (score = ? AND "
            "(created_at > ? OR (created_at = ? AND id > ?))))))"
        )
        params += [c.priority, c.priority, c.score, c.score, c.created_at, c.created_at, c.id]
    rows = conn.execute(
        f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE {where} "
        "ORDER BY priority DESC, score DESC, created_at, id LIMIT ? OFFSET ?",
        [*params, flt.limit, flt.offset],
    )
    return [_alert(r) for r in rows]


def count(conn: sqlite3.Connection, flt: AlertFilter) -> int:
    where, params = _where(flt)
    return int(conn.execute(f"SELECT count(*) FROM alerts WHERE {where}", params).fetchone()[0])


def change(conn: sqlite3.Connection, alert_id: str, decide: Decide) -> Alert:
    """Read, decide and write one state change with its audit entry (in a write
    transaction, so nobody changes the alert in between)."""
    current = get(conn, alert_id)
    if current is None:
        raise UnknownAlertError(alert_id)
    changed, entry = decide(current)
    cursor = conn.execute(
        "UPDATE alerts SET state = ?, version = ?, updated_at = ?, assignee = ? "
        "WHERE id = ? AND version = ?",
        (
            changed.state,
            changed.version,
            changed.updated_at,
            changed.assignee,
            alert_id,
            current.version,
        ),
    )
    if cursor.rowcount != 1:
        raise ConflictError(f"alert {alert_id} changed concurrently")
    conn.execute(_AUDIT_INSERT, _audit_row(entry))
    return changed


def relabel_networks(conn: sqlite3.Connection, renames: dict[str, str]) -> int:
    """Alerts of absorbed networks take the surviving id (no version change: triage is
    not touched, and an investigator's open form stays valid)."""
    sql = "UPDATE alerts SET network = ? WHERE network = ?"
    return sum(conn.execute(sql, (new, old)).rowcount for old, new in renames.items())


def history(conn: sqlite3.Connection, alert_id: str) -> list[AuditEntry]:
    rows = conn.execute(
        f"SELECT {_AUDIT_COLUMNS} FROM alert_audit WHERE alert_id = ? ORDER BY seq", (alert_id,)
    )
    return [AuditEntry(*r) for r in rows]
