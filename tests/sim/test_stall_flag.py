"""`kubetriage sim --stall-watch-every N`: every Nth watch is answered and then says nothing,
on an open connection, while the server's objects keep changing (the half-open watch a client
must notice by itself)."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import time
import urllib.request


def test_stall_watch_every_1_leaves_every_watch_silent(tiny_scenario):
    proc = subprocess.Popen([sys.executable, "-m", "kubetriage", "sim", "--scenario",
                             str(tiny_scenario), "--speed", "1e-6", "--stall-watch-every", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().split(" at ")[-1].strip()
        assert url.startswith("http://127.0.0.1:"), url
        pods = f"{url}/api/v1/namespaces/web/pods"
        with urllib.request.urlopen(pods, timeout=5) as r:
            rv = json.loads(r.read())["metadata"]["resourceVersion"]
        host = url.removeprefix("http://")
        watch = http.client.HTTPConnection(host, timeout=2)
        watch.request("GET", f"/api/v1/namespaces/web/pods?watch=1&resourceVersion={rv}")
        answer = watch.getresponse()
        assert answer.status == 200
        patch = urllib.request.Request(f"{pods}/web-abc-x1", method="PATCH",
                                       data=b'{"metadata":{"labels":{"moved":"yes"}}}',
                                       headers={"Content-Type": "application/merge-patch+json"})
        urllib.request.urlopen(patch, timeout=5).close()
        started = time.monotonic()
        try:
            line = answer.fp.readline()
        except TimeoutError:
            line = b""
        assert line == b"" and time.monotonic() - started >= 1.5, line  # nothing came
        watch.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        proc.kill()
        proc.wait(5)
