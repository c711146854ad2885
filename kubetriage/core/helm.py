"""Helm v3 release secrets: what `helm` stores in a namespace and what `helm history` shows of it.

Helm keeps each revision of a release in a Secret `sh.helm.release.v1.<name>.v<revision>` of type
`helm.sh/release.v1`, labelled name/owner=helm/status/version. Its `release` key holds
base64(gzip(JSON release)) (helm's pkg/storage/driver/util.go), and since a Secret's data is itself
base64, the value in the object is base64 twice. Release secrets come from clusters: untrusted.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
import json
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

SECRET_TYPE = "helm.sh/release.v1"
# a release record unpacked beyond this is refused: 5.5 MB of gzip can unpack to 3 GiB. The
# largest charts' records (manifest, templates, values) are a few MB unpacked.
MAX_RELEASE_BYTES = 32 * 1024 * 1024
TOO_LARGE = "release record too large to read"
_GZIP_MAGIC = b"\x1f\x8b\x08"
HISTORY_COLUMNS = ("REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION")


class HelmDecodeError(ValueError):
    """A release secret that is not what helm writes: the message names it."""


class ReleaseTooLarge(HelmDecodeError):
    """A release record that unpacks beyond MAX_RELEASE_BYTES (a gzip bomb, or near enough)."""


class HistoryRow(NamedTuple):
    """One line of `helm history`, in its column order."""

    revision: int
    updated: str
    status: str
    chart: str
    app_version: str
    description: str


def secret_name(release_name: str, version: int) -> str:
    return f"sh.helm.release.v1.{release_name}.v{version}"


def encode_release(release: dict[str, Any]) -> str:
    """The value of a release secret's `data.release`, as the API server returns it."""
    # Go's json.Marshal: compact, and <, >, & escaped; mtime 0 keeps the output reproducible.
    text = json.dumps(release, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:  # OS byte 255, as Go
        gz.write(text.encode())
    return base64.b64encode(base64.b64encode(buf.getvalue())).decode("ascii")


def release_secret(release: dict[str, Any], created_at: datetime | None = None,
                   modified_at: datetime | None = None) -> dict[str, Any]:
    """The Secret helm's storage driver writes for one revision of a release."""
    labels = {"name": release["name"], "owner": "helm", "status": release["info"]["status"],
              "version": str(release["version"])}
    if created_at is not None:  # set by helm's Create (and modifiedAt by its Update)
        labels["createdAt"] = str(int(created_at.timestamp()))
    if modified_at is not None:
        labels["modifiedAt"] = str(int(modified_at.timestamp()))
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": secret_name(release["name"], release["version"]),
                     "namespace": release["namespace"], "labels": dict(sorted(labels.items()))},
        "type": SECRET_TYPE,
        "data": {"release": encode_release(release)},
    }


def decode_release(secret: dict[str, Any]) -> dict[str, Any]:
    """The release JSON inside a helm release secret."""
    name = (secret.get("metadata") or {}).get("name", "?")
    value = (secret.get("data") or {}).get("release")
    if not isinstance(value, str):
        raise HelmDecodeError(f"secret {name}: no data.release")
    try:
        raw = base64.b64decode(base64.b64decode(value, validate=True), validate=True)
        if raw[:3] == _GZIP_MAGIC:  # helm reads uncompressed releases from before 3.0 betas too
            raw = gunzip(raw, MAX_RELEASE_BYTES)
        elif len(raw) > MAX_RELEASE_BYTES:
            raise ReleaseTooLarge(f"secret {name}: {TOO_LARGE} (over {_mib(MAX_RELEASE_BYTES)})")
        release = json.loads(raw)
    except ReleaseTooLarge as exc:
        raise ReleaseTooLarge(f"secret {name}: {exc}") from None
    except (binascii.Error, ValueError, OSError, EOFError, zlib.error) as exc:
        raise HelmDecodeError(f"secret {name}: data.release is not a helm release ({exc})") from None
    if not isinstance(release, dict):
        raise HelmDecodeError(f"secret {name}: data.release is not a helm release (not an object)")
    return release


def gunzip(data: bytes, limit: int) -> bytes:
    """gzip.decompress (members one after another, as Go's reader follows them) that stops
    with ReleaseTooLarge once the output would pass `limit`: memory stays near `limit`."""
    out = bytearray()
    while data[:3] == _GZIP_MAGIC:
        unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
        chunk = unpack.decompress(data, limit + 1 - len(out))
        while True:
            out += chunk
            if len(out) > limit:
                raise ReleaseTooLarge(f"{TOO_LARGE} (over {_mib(limit)} unpacked)")
            if unpack.eof or not unpack.unconsumed_tail:
                break
            chunk = unpack.decompress(unpack.unconsumed_tail, limit + 1 - len(out))
        if not unpack.eof:
            raise EOFError("compressed data ended before the end-of-stream marker")
        data = unpack.unused_data
    return bytes(out)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB"


def is_release_secret(obj: dict[str, Any]) -> bool:
    return obj.get("kind") == "Secret" and obj.get("type") == SECRET_TYPE


def history(secrets: Iterable[dict[str, Any]], name: str | None = None) -> list[HistoryRow]:
    """`helm history` of the releases in these secrets (of one release when `name` is given),
    oldest revision first. Other secrets are ignored; a corrupt release secret raises; one too
    large to read is a row saying so, from its labels."""
    rows: list[HistoryRow] = []
    for secret in secrets:
        if not is_release_secret(secret):
            continue
        labels = secret["metadata"].get("labels") or {}
        if name is not None and labels.get("name") != name:
            continue
        try:
            rows.append(_row(decode_release(secret)))
        except ReleaseTooLarge:
            version = str(labels.get("version") or "0")
            rows.append(HistoryRow(int(version) if version.isdigit() else 0, "",
                                   str(labels.get("status") or ""), "", "",
                                   f"{TOO_LARGE} (over {_mib(MAX_RELEASE_BYTES)} unpacked)"))
    return sorted(rows)


def _row(release: dict[str, Any]) -> HistoryRow:
    info = release.get("info") or {}
    meta = (release.get("chart") or {}).get("metadata") or {}
    chart = f"{meta.get('name', '')}-{meta.get('version', '')}" if meta else "MISSING"
    return HistoryRow(int(release.get("version") or 0), _ansic(info.get("last_deployed")),
                      str(info.get("status", "")), chart, str(meta.get("appVersion", "")),
                      str(info.get("description", "")))


def _ansic(timestamp: Any) -> str:
    """Go's time.ANSIC layout, which `helm history` uses for UPDATED."""
    if not isinstance(timestamp, str) or not timestamp:
        return ""
    text = timestamp.replace("Z", "+00:00")
    if "." in text:  # Go writes nanoseconds; Python parses at most microseconds
        head, _, rest = text.partition(".")
        digits = "".join(c for c in rest if c.isdigit())
        text = f"{head}.{digits[:6]}{rest[len(digits):]}"
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return timestamp
    return f"{t:%a %b} {t.day:2d} {t:%H:%M:%S %Y}"
