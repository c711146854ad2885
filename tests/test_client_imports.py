"""The connection imports kubernetes-asyncio's client without its ~700 generated model classes
(41 MB and ~0.2 s at every start), and code that wants the whole client still gets it."""

from __future__ import annotations

import subprocess
import sys

LOADED = ("sum(1 for m in sys.modules if m.startswith('kubernetes_asyncio.client.models.') "
          "or m.startswith('kubernetes_asyncio.client.api.') or m == 'kubernetes_asyncio.dynamic')")


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_client_is_imported_without_its_generated_classes():
    loaded, rss_kb = run(f"""
import sys
import kubetriage.cluster.source
print({LOADED})
print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmRSS')][0])
""")
    assert loaded == "0"
    assert int(rss_kb) < 70_000  # with them: ~115 MB


def test_the_whole_client_is_still_there_for_who_asks():
    before, classes, after = run(f"""
import sys
from kubetriage.cluster.kube_client import ApiClient
print({LOADED})
from kubernetes_asyncio import client, watch
print(client.CoreV1Api.__name__ + "," + client.V1Pod.__name__ + "," + watch.Watch.__name__ + ","
      + str(client.ApiClient is ApiClient))
print({LOADED})
""")
    assert before == "0"
    assert classes == "CoreV1Api,V1Pod,Watch,True"
    assert int(after) > 700


def test_a_client_imported_before_is_used_as_it_is():
    (same,) = run("""
import kubernetes_asyncio.client
from kubetriage.cluster.kube_client import ApiClient, Configuration
print(ApiClient is kubernetes_asyncio.client.ApiClient
      and Configuration is kubernetes_asyncio.client.Configuration)
""")
    assert same == "True"
