"""Where the real kube-apiserver's binaries are absent (a clone outside our machines has no
../shared), the tier is skipped with the reason, never failed."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.realapi.cluster import REPO


def test_without_the_binaries_the_tier_is_skipped_with_the_reason(tmp_path):
    env = {**os.environ, "KUBETRIAGE_REALAPI_DIR": str(tmp_path / "nowhere")}
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                          "tests/realapi/test_rbac.py"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    summary = out.stdout.strip().splitlines()[-1]
    assert "skipped" in summary and not any(w in summary for w in ("passed", "failed", "error"))
    assert f"no real kube-apiserver: kube-apiserver.gz and etcd.gz are not in " \
           f"{tmp_path / 'nowhere'}" in out.stdout
