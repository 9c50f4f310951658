"""The crawl's WARC file: one gzip member per record, readable by warcio, each
response findable by its reference, digests and bodies as fetched."""

from __future__ import annotations

import hashlib
import io
import zlib
from base64 import b32encode
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawlers.warc import WarcFile, read_members, split_ref


def test_records_are_separate_gzip_members_with_sha256_digests(tmp_path: Path) -> None:
    warc = WarcFile(tmp_path, "bazaar")
    bodies = [b"<html>" + b"ivory " * 400 + b"</html>", bytes(range(256)) * 40]
    refs = [
        warc.write(
            url=f"http://127.0.0.1:1/item/{i}",
            method="GET",
            request_headers={b"User-Agent": [b"wildtrace"]},
            status=200,
            response_headers={b"Content-Type": [b"text/html"]},
            body=body,
            ip_address="127.0.0.1",
        )  # fmt: skip
        for i, body in enumerate(bodies)
    ]
    path = warc.seal()
    raw = path.read_bytes()
    members = 0
    rest = raw
    while rest:  # every member is a complete gzip stream on its own
        decompressor = zlib.decompressobj(wbits=31)
        decompressor.decompress(rest)
        assert decompressor.eof
        rest = decompressor.unused_data
        members += 1
    assert members == 1 + 2 * len(bodies)  # warcinfo, then response + request each
    for ref, body in zip(refs, bodies, strict=True):
        relpath, offset = split_ref(ref)
        assert tmp_path / relpath == path
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Payload-Digest"), r.content_stream().read())
            for r in ArchiveIterator(io.BytesIO(read_members(path, offset)))
        ]
        digest = "sha256:" + b32encode(hashlib.sha256(body).digest()).decode()
        assert records[0] == ("response", digest, body)
        assert [kind for kind, _, _ in records] == ["response", "request"]
