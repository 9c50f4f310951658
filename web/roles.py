"""Route policies for the partner, campaigner and admin views (``web.auth`` has the
desk's). Each is one dependency, as ``web.auth`` asks: a refusal is ``Refused`` (401/403).

* ``partner_scope``: a partner sees only its own sources; a desk account sees every
  source (investigators follow what platforms were sent). Returns the sources the caller
  may read, ``None`` meaning all.
* ``audience_reader``: campaigners, and the desk.
* ``admin``: admins only (dead letters, replay, webhook channels).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from accounts.base import ROLE_ADMIN, ROLE_CAMPAIGNER, ROLE_PARTNER
from web.auth import Identity, Refused, signed_in


async def feed_reader(identity: Annotated[Identity, Depends(signed_in)]) -> Identity:
    """A partner (its own sources) or a desk account (every source)."""
    if identity.user.role != ROLE_PARTNER and not identity.user.desk:
        raise Refused(403, f"the {identity.user.role} role has no takedown feed")
    return identity


async def partner_only(identity: Annotated[Identity, Depends(signed_in)]) -> Identity:
    """Acknowledging is the platform's word: partners only."""
    if identity.user.role != ROLE_PARTNER:
        raise Refused(403, "only a partner account acknowledges feed items")
    return identity


async def audience_reader(identity: Annotated[Identity, Depends(signed_in)]) -> Identity:
    if identity.user.role != ROLE_CAMPAIGNER and not identity.user.desk:
        raise Refused(403, f"the {identity.user.role} role has no audiences")
    return identity


async def admin_only(identity: Annotated[Identity, Depends(signed_in)]) -> Identity:
    if identity.user.role != ROLE_ADMIN or identity.user.disabled:
        raise Refused(403, "admins only")
    return identity


def scope_of(identity: Identity) -> tuple[str, ...] | None:
    """The sources the caller may read in a feed; ``None`` = every source."""
    return None if identity.user.desk else identity.user.sources


FeedReader = Annotated[Identity, Depends(feed_reader)]
PartnerOnly = Annotated[Identity, Depends(partner_only)]
AudienceReader = Annotated[Identity, Depends(audience_reader)]
AdminOnly = Annotated[Identity, Depends(admin_only)]
