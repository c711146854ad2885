"""A dump's logs are read by their tail: a 200 MB log costs what its last lines do, and the
checks still see those lines."""

from __future__ import annotations

import json
import subprocess
import sys

MEASURE = """
import sys
from kubetriage.cluster.dump import load_dump
snap = load_dump(sys.argv[1]).snapshot()
print(snap.logs[("shop", "web", "app", False)][-1])
print(next(int(line.split()[1]) // 1024 for line in open("/proc/self/status")
           if line.startswith("VmHWM:")))
"""


def test_a_200_mb_log_is_read_by_its_tail(tmp_path):
    # crash-looping: a log the diagnosis reads (core/logs_read.py), not a healthy one it skips
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
           "status": {"containerStatuses": [{"name": "app", "restartCount": 3, "state": {
               "waiting": {"reason": "CrashLoopBackOff"}}}]}}
    (tmp_path / "pods.json").write_text(json.dumps(pod))
    log = tmp_path / "logs" / "shop" / "web" / "app.log"
    log.parent.mkdir(parents=True)
    with log.open("wb") as f:
        f.write(b"first line\n")
        f.truncate(200 * 1024 * 1024)  # sparse: made at once, read as 200 MB all the same
        f.seek(0, 2)
        f.write(b"\nModuleNotFoundError: No module named 'dapr'\n")
    out = subprocess.run([sys.executable, "-c", MEASURE, str(tmp_path)], capture_output=True,
                         text=True, timeout=120, check=True).stdout.splitlines()
    assert out[0] == "ModuleNotFoundError: No module named 'dapr'"
    assert int(out[1]) < 150, f"peak RSS {out[1]} MiB reading a 200 MB log"
