"""The accounts contract: who may use the web app and the API, and as what.

Design notes
------------
* Four roles. ``admin`` and ``investigator`` work the investigator's desk (queue, alerts,
  evidence, search, sellers, dashboard); an admin also manages accounts. ``partner``
  (a platform's trust-and-safety team, bound to one or more sources) and ``campaigner``
  see nothing of the desk: their own views come later, but the roles and the checks
  exist now, so nothing added later is open to them by accident.
* Secrets are never stored: passwords as argon2id hashes (``argon2-cffi``), session ids
  and API tokens as SHA-256 of a 256-bit random value (a random token needs no slow
  hash; a guessed password does). The plain token is shown once, when it is made.
* Sessions are server-side: the cookie carries a random id, the row carries the user,
  the CSRF token and the expiry, so logging out or disabling a user ends every session
  at once.
* Failed logins are counted per account name and per client address in a sliding
  window; past ``MAX_FAILURES`` the login answers "too many attempts" without checking
  the password, so guessing costs time and the argon2 work cannot be used to load the
  server.
* Storage is a small SQLite file in the data directory whatever the listing store is:
  accounts are few, must be transactional, must not be replicated into a shared search
  cluster, and logging in must keep working while Elasticsearch is down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

ROLE_ADMIN = "admin"
ROLE_INVESTIGATOR = "investigator"
ROLE_PARTNER = "partner"
ROLE_CAMPAIGNER = "campaigner"
ROLES = (ROLE_ADMIN, ROLE_INVESTIGATOR, ROLE_PARTNER, ROLE_CAMPAIGNER)
# Roles that work the investigator's desk.
DESK_ROLES = frozenset({ROLE_ADMIN, ROLE_INVESTIGATOR})

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60
SESSION_TTL_S = 12 * 60 * 60
TOKEN_PREFIX = "wt_"


class AccountError(ValueError):
    """A bad account request (unknown user, bad name, weak password, bad role)."""


class TooManyAttempts(Exception):
    """Login refused without checking: too many recent failures."""


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: str
    display_name: str
    sources: tuple[str, ...] = ()
    disabled: bool = False
    created_at: str = ""

    @property
    def desk(self) -> bool:
        """Whether this account may work the investigator's desk."""
        return self.role in DESK_ROLES and not self.disabled


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    session_id: str
    csrf_token: str
    expires_at: float


def check_username(name: str) -> str:
    if not USERNAME_RE.match(name or ""):
        raise AccountError(
            "username: 2-40 characters, lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_password(password: str) -> str:
    if not MIN_PASSWORD_CHARS <= len(password or "") <= MAX_PASSWORD_CHARS:
        raise AccountError(f"password: {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")
    return password


def check_role(role: str, sources: tuple[str, ...]) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == ROLE_PARTNER and not sources:
        raise AccountError("a partner account is bound to at least one source (--sources)")
    if role != ROLE_PARTNER and sources:
        raise AccountError("only partner accounts are bound to sources")


class Accounts(Protocol):
    """What the web app and the ``users`` command need from account storage."""

    def add_user(
        self,
        username: str,
        password: str,
        role: str,
        *,
        display_name: str = "",
        sources: tuple[str, ...] = (),
    ) -> User: ...

    def get_user(self, username: str) -> User | None: ...

    def list_users(self) -> list[User]: ...

    def set_disabled(self, username: str, disabled: bool) -> User: ...

    def count_users(self) -> int: ...

    def login(self, username: str, password: str, client: str) -> Session | None:
        """A new session, ``None`` for a wrong name or password (or a disabled user);
        raises ``TooManyAttempts`` past the failure limit."""

    def session(self, session_id: str) -> Session | None:
        """The live session for a cookie value, or ``None`` (expired, unknown, disabled)."""

    def logout(self, session_id: str) -> None: ...

    def new_token(self, username: str, label: str) -> str:
        """A new API token for the user; the plain value is returned once, never stored."""

    def token_user(self, token: str) -> User | None:
        """The enabled user an API token belongs to, or ``None``."""

    def close(self) -> None: ...
