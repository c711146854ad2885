"""A helm release record is unpacked under a size cap: a gzip bomb (5.5 MB that unpacks to 3 GiB)
is "too large to read", in bounded memory, and the other revisions' history still reads."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from kubetriage.core import helm
from tests.hostile import gzip_bomb_secret

# VmHWM, the process's own peak: ru_maxrss would carry the forking pytest worker's peak over exec
MEASURE = """
from kubetriage.core import helm
from tests.hostile import gzip_bomb_secret
secret = gzip_bomb_secret("web", "apps", 2)
try:
    helm.decode_release(secret)
    print("decoded")
except helm.ReleaseTooLarge as exc:
    print(exc)
print(next(int(line.split()[1]) // 1024 for line in open("/proc/self/status")
           if line.startswith("VmHWM:")))
"""


def test_a_gzip_bomb_is_too_large_to_read_in_bounded_memory(repo):
    out = subprocess.run([sys.executable, "-c", MEASURE], cwd=repo, capture_output=True,
                         text=True, timeout=120, check=True).stdout.splitlines()
    assert "release record too large to read" in out[0], out
    assert int(out[1]) < 250, f"peak RSS {out[1]} MiB while reading a 3 GiB bomb"


def test_the_other_revisions_still_read_beside_a_bomb():
    good = helm.release_secret({"name": "web", "namespace": "apps", "version": 1,
                                "info": {"status": "deployed", "description": "Install complete",
                                         "last_deployed": "2025-10-01T10:00:00Z"},
                                "chart": {"metadata": {"name": "web", "version": "1.0.0"}}},
                               datetime(2025, 10, 1, tzinfo=UTC))
    rows = helm.history([good, gzip_bomb_secret("web", "apps", 2, gib=1)], "web")
    assert [(r.revision, r.status) for r in rows] == [(1, "deployed"), (2, "failed")]
    assert "release record too large to read" in rows[1].description
