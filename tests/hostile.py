"""Hostile cluster data, built cheaply, for the hardening tests."""

from __future__ import annotations

import base64
import gzip

from kubetriage.core import helm

ZEROS_MEMBER = gzip.compress(bytes(1 << 20), compresslevel=9)  # 1 MiB of zeros in ~1 KB


def gzip_bomb_secret(release: str, namespace: str, version: int, gib: int = 3) -> dict:
    """A helm release Secret whose record unpacks to `gib` GiB of zeros: gzip members (one MiB
    each) concatenated, as a gzip reader must follow them, so it is built at once (5.5 MB)."""
    packed = ZEROS_MEMBER * (gib * 1024)
    return {"apiVersion": "v1", "kind": "Secret", "type": helm.SECRET_TYPE,
            "metadata": {"name": helm.secret_name(release, version), "namespace": namespace,
                         "labels": {"name": release, "owner": "helm", "status": "failed",
                                    "version": str(version)}},
            "data": {"release": base64.b64encode(base64.b64encode(packed)).decode("ascii")}}
