"""Audited notes on an alert from outside the desk: a platform's answer to a takedown-feed
item (``partner_ack``) and a re-check that found a listing back online after it was said
or seen to be removed (``recheck``).

Design notes
------------
* A note is not a state change: investigators decide states, a platform only reports.
  The entry keeps the state (``from_state == to_state``) and names the actor (the
  partner account, or ``recheck``).
* Like an assignment, a note moves the alert's version on: the audit log's order is the
  alert's version order on every backend, and an investigator deciding on a page read
  before the partner answered is told to look again (a conflict), not left unaware.
* Checked on construction (``InvalidChangeError``), like ``StateChange``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from alerts.base import MAX_NOTE_CHARS, Alert, AuditEntry, InvalidChangeError, checked_actor

ACTION_PARTNER_ACK = "partner_ack"
ACTION_RECHECK = "recheck"
NOTE_ACTIONS = (ACTION_PARTNER_ACK, ACTION_RECHECK)


@dataclass(frozen=True, slots=True)
class AlertNote:
    action: str
    actor: str
    note: str

    def __post_init__(self) -> None:
        if self.action not in NOTE_ACTIONS:
            raise InvalidChangeError(f"note action must be one of {', '.join(NOTE_ACTIONS)}")
        object.__setattr__(self, "actor", checked_actor(self.actor))
        if len(self.note) > MAX_NOTE_CHARS:
            raise InvalidChangeError(f"note is longer than {MAX_NOTE_CHARS} characters")

    def apply(self, current: Alert, at: str) -> tuple[Alert, AuditEntry]:
        """The alert (next version, same state) and the audit entry of the note."""
        changed = replace(current, version=current.version + 1, updated_at=at)
        entry = AuditEntry(
            current.id, at, self.actor, self.action, current.state, current.state, self.note
        )
        return changed, entry
