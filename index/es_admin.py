"""Index life cycle for the Elasticsearch store: create, inspect, reindex.

Design notes
------------
* ``ensure_indices`` puts the current templates and, for each logical index whose alias
  is missing, creates ``<alias>-000001`` with the alias as write index. Idempotent and
  safe against a concurrent ``init`` (``resource_already_exists`` is ignored).
* ``reindex`` rolls one logical index onto a fresh concrete index built from the *current*
  template: create ``<alias>-N+1``, ``_reindex`` into it, check the document count, then
  move the alias in one atomic ``_aliases`` call (readers never see an empty alias). The old
  index is kept unless ``delete_old``; it is the rollback. Writes that land on the old index
  during the copy are not carried over, so pause ingestion (or keep the spool on) while
  reindexing: the CLI says so.
* The compatible test server (noida-db 0.2.3) supports all of this; nothing here uses
  features it lacks (composite or percentiles aggregations, update-by-query).
"""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

from index.es_bulk import outage_guard
from index.es_mappings import (
    INDEX_NAMES,
    PROPERTIES,
    TEMPLATE_VERSION,
    alias_name,
    concrete_name,
    template_body,
)

log = logging.getLogger(__name__)


def ensure_indices(client: Elasticsearch, prefix: str) -> None:
    with outage_guard():
        for name in INDEX_NAMES:
            client.indices.put_index_template(**template_body(prefix, name))
            alias = alias_name(prefix, name)
            if client.indices.exists_alias(name=alias):
                # Fields added by a newer template reach existing indices too (adding a
                # field is always allowed); anything else needs `wildtrace index reindex`.
                client.indices.put_mapping(index=alias, properties=PROPERTIES[name])
                continue
            try:
                client.indices.create(
                    index=concrete_name(prefix, name, 1), aliases={alias: {"is_write_index": True}}
                )
                log.info("created %s", concrete_name(prefix, name, 1))
            except BadRequestError as exc:
                if "already_exists" not in str(exc):
                    raise


def current_index(client: Elasticsearch, prefix: str, name: str) -> str | None:
    """The concrete index the alias writes to, or ``None`` if the alias is missing."""
    alias = alias_name(prefix, name)
    try:
        resp = client.indices.get_alias(name=alias)
    except NotFoundError:
        return None
    for index, data in resp.body.items():
        if data["aliases"][alias].get("is_write_index", len(resp.body) == 1):
            return str(index)
    return None


def index_status(client: Elasticsearch, prefix: str) -> dict[str, dict[str, Any]]:
    """Per logical index: concrete index, document count, template version, up to date."""
    out: dict[str, dict[str, Any]] = {}
    with outage_guard():
        for name in INDEX_NAMES:
            index = current_index(client, prefix, name)
            if index is None:
                out[name] = {"index": None, "docs": 0, "template": None, "current": False}
                continue
            mapping = client.indices.get_mapping(index=index).body[index]["mappings"]
            version = (mapping.get("_meta") or {}).get("wildtrace_template")
            docs = int(client.count(index=index)["count"])
            out[name] = {
                "index": index,
                "docs": docs,
                "template": version,
                "current": version == TEMPLATE_VERSION,
            }
    return out


def reindex(
    client: Elasticsearch, prefix: str, name: str, *, delete_old: bool = False
) -> dict[str, Any]:
    """Copy one logical index into a new concrete index and swap the alias atomically."""
    alias = alias_name(prefix, name)
    with outage_guard():
        client.indices.put_index_template(**template_body(prefix, name))
        old = current_index(client, prefix, name)
        if old is None:
            raise ValueError(f"{alias} does not exist: run `wildtrace index init` first")
        number = int(old.rsplit("-", 1)[1]) + 1
        new = concrete_name(prefix, name, number)
        client.indices.create(index=new)
        client.indices.refresh(index=old)
        resp = client.reindex(
            source={"index": old}, dest={"index": new}, refresh=True, wait_for_completion=True
        )
        failures = resp.get("failures") or []
        before = int(client.count(index=old)["count"])
        after = int(client.count(index=new)["count"])
        if failures or before != after:
            client.indices.delete(index=new)
            raise RuntimeError(
                f"reindex of {old} incomplete ({after}/{before} docs, {len(failures)} failures);"
                f" alias left on {old}"
            )
        client.indices.update_aliases(
            actions=[
                {"remove": {"index": old, "alias": alias}},
                {"add": {"index": new, "alias": alias, "is_write_index": True}},
            ]
        )
        if delete_old:
            client.indices.delete(index=old)
    log.info("reindexed %s: %s -> %s (%d docs)", alias, old, new, after)
    return {"alias": alias, "from": old, "to": new, "docs": after, "deleted_old": delete_old}


def drop_all(client: Elasticsearch, prefix: str) -> None:
    """Delete every index and template of this prefix (tests and `index init --reset`)."""
    with outage_guard():
        for name in INDEX_NAMES:
            alias = alias_name(prefix, name)
            # Deleting by wildcard is refused by default (destructive_requires_name): list first.
            found = client.indices.get(index=f"{alias}-*", allow_no_indices=True)
            if found.body:
                client.indices.delete(index=",".join(found.body))
            try:
                client.indices.delete_index_template(name=alias)
            except NotFoundError:
                pass
