"""WARC files of a crawl: every request and response as fetched, with digests and times.

The content-addressed store (``crawlers.evidence``) keeps the decoded body of each page
and image; a WARC file keeps the *exchange*: the request we sent (method, URL, headers)
and the response as it came off the wire (status, headers, body still compressed if it
was), each a record with ``WARC-Date`` (capture time, microseconds), ``WARC-Record-ID``,
``WARC-IP-Address`` and SHA-256 block and payload digests — the format archives and
courts already know (ISO 28500, read by warcio, pywb, ReplayWeb.page).

One file per crawl, ``<evidence>/warc/<source>/<source>-<time>-<pid>.warc.gz``, one gzip
member per record (so a record can be copied out by offset). A record reference is
``warc/<source>/<file>#<offset>`` (the offset of the response record's gzip member);
listing versions carry it as ``warc_ref``. The file is *sealed* at the end of the crawl:
made read-only and its SHA-256 appended to the evidence manifest. A crawl killed before
that leaves an unsealed file, which ``verify`` reports.
"""

from __future__ import annotations

import io
import os
import zlib
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

WARC_DIR = "warc"
SKIPPED_RESPONSE_HEADERS = ("transfer-encoding",)  # the body below is already de-chunked


GZIP_LEVEL = 6  # zlib's default; warcio's fixed 9 cost a third of each record's time


class _GzipMember:
    """One gzip member per record, as warcio writes it, at ``GZIP_LEVEL``: warcio
    writes the record's parts here and ends with ``flush``, which compresses them in
    one call. The stored record bytes are the same at any level."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(bytes(data))

    def flush(self) -> None:
        self.out.write(zlib.compress(b"".join(self.parts), GZIP_LEVEL, wbits=31))
        self.parts = []
        self.out.flush()


class _Sha256Writer(WARCWriter):  # type: ignore[misc]  # warcio ships no type hints
    """warcio's writer with SHA-256 instead of SHA-1 digests; built with ``gzip=False``,
    it compresses through ``_GzipMember`` itself."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")

    def write_record(self, record: Any, params: Any = None) -> None:
        self._write_warc_record(_GzipMember(self.out), record)


def warc_date(moment: datetime | None = None) -> str:
    """WARC/1.1 date: ISO-8601 UTC with microseconds."""
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _pairs(headers: Any, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Scrapy ``Headers`` (bytes → list of bytes) as (name, value) text pairs."""
    out = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        if key.lower() in skip:
            continue
        for value in values if isinstance(values, list) else [values]:
            out.append((key, value.decode("latin-1") if isinstance(value, bytes) else str(value)))
    return out


class WarcFile:
    """Append-only WARC file of one crawl."""

    def __init__(self, evidence_root: Path, source: str) -> None:
        self.root = Path(evidence_root)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.relpath = f"{WARC_DIR}/{source}/{source}-{stamp}-{os.getpid()}.warc.gz"
        self.path = self.root / self.relpath
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: IO[bytes] | None = self.path.open("xb")
        self._writer = _Sha256Writer(self._handle, gzip=False, warc_version="1.1")
        info = self._writer.create_warcinfo_record(
            self.path.name, {"software": "wildtrace (Scrapy, warcio)", "format": "WARC/1.1"}
        )
        self._writer.write_record(info)
        self.records = 0

    def write(
        self,
        *,
        url: str,
        method: str,
        request_headers: Any,
        status: int,
        response_headers: Any,
        body: bytes,
        ip_address: str | None = None,
        captured: datetime | None = None,
    ) -> str:
        """Write a request and its response; return the response record's reference."""
        if self._handle is None:
            raise ValueError(f"{self.path} is sealed")
        date = warc_date(captured)
        response_id = self._writer._make_warc_id()
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        http = StatusAndHeaders(
            f"{status} {phrase}".strip(),
            _pairs(response_headers, SKIPPED_RESPONSE_HEADERS),
            protocol="HTTP/1.1",
        )
        warc_headers = {"WARC-Date": date, "WARC-Record-ID": response_id}
        if ip_address:
            warc_headers["WARC-IP-Address"] = ip_address
        response = self._writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body),
            http_headers=http, warc_headers_dict=warc_headers,
        )  # fmt: skip
        offset = self._handle.tell()
        self._writer.write_record(response)
        path = url.split("://", 1)[-1]
        target = "/" + path.split("/", 1)[1] if "/" in path else "/"
        request = self._writer.create_warc_record(
            url, "request",
            http_headers=StatusAndHeaders(f"{method} {target} HTTP/1.1",
                                          _pairs(request_headers), is_http_request=True),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
        )  # fmt: skip
        self._writer.write_record(request)
        self._handle.flush()
        self.records += 2
        return f"{self.relpath}#{offset}"

    def seal(self) -> Path:
        """Close, make read-only; returns the path (the caller records its hash)."""
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = None
            os.chmod(self.path, 0o444)
        return self.path


def split_ref(ref: str) -> tuple[str, int]:
    """``warc/<source>/<file>#<offset>`` → (relative path, offset); ``ValueError`` if not."""
    relpath, sep, offset = ref.rpartition("#")
    if not sep or not offset.isdigit() or not relpath.startswith(f"{WARC_DIR}/"):
        raise ValueError(f"not a WARC record reference: {ref!r}")
    if ".." in Path(relpath).parts:
        raise ValueError(f"not a WARC record reference: {ref!r}")
    return relpath, int(offset)


def read_members(path: Path, offset: int, count: int = 2) -> bytes:
    """The raw bytes of ``count`` consecutive records (gzip members) from ``offset``:
    a response and the request written after it, exactly as stored."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as handle:
        handle.seek(offset)
        records = ArchiveIterator(handle)
        end = offset
        for seen, record in enumerate(records, start=1):
            records.read_to_end(record)
            end = records.get_record_offset() + records.get_record_length()  # absolute
            if seen == count:
                break
        handle.seek(offset)
        return handle.read(end - offset)
