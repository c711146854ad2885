"""The live source against the real API server: it holds what kubectl lists, kind by kind, and
follows what kubectl changes, through watches the server itself ends."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

import pytest

from kubetriage.cluster.discovery import WATCHED
from kubetriage.cluster.reflector import Reflector
from kubetriage.cluster.store import Store
from tests.conftest import CRDS
from tests.realapi.cluster import kinds_not_served
from tests.realapi.conftest import SEED, open_source


async def eventually(check, what: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout:g} s: {what}")
        await asyncio.sleep(0.05)
    return value


def names(objects) -> set[tuple[str | None, str]]:
    return {(o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects}


async def test_every_watched_kind_holds_what_kubectl_lists(admin_source, kubectl):
    source = admin_source
    absent = kinds_not_served(CRDS)
    assert set(source.discovered.missing) == absent, \
        "the real server serves every kind kubetriage reads whose CRD it was given"
    assert sorted(source.discovered.resources) == sorted(set(WATCHED) - absent)
    assert source.discovered.server_version == "v1.36.2"
    res = source.discovered.resources
    plurals = ",".join(f"{r.plural}.{r.group}" if r.group else r.plural for r in res.values())

    def differences() -> dict[str, tuple[Any, Any]]:
        listed = json.loads(kubectl("get", plurals, "-A", "-o", "json"))["items"]
        out = {}
        for kind, resource in sorted(res.items()):
            want = names(o for o in listed if o["kind"] == kind
                         and o["apiVersion"] == resource.api_version)
            have = names(source.store.list(kind))
            if have != want:
                out[kind] = (sorted(set(have) - set(want)), sorted(set(want) - set(have)))
        return out

    # the store follows the server by watch: what kubectl lists now, the store holds soon after
    # (a loaded machine widens the window in which the server's own objects change)
    deadline = time.monotonic() + 15
    while (diff := differences()) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    assert diff == {}, f"(only in the store, only in kubectl's list) by kind: {diff}"
    # the seed is there, not an empty cluster that would match trivially
    assert len(source.store.list("Pod", SEED)) == 4
    assert len(source.store.list("HelmRelease", SEED)) == 4
    # at least the seed's 20: the real server may add events of its own about the seed's objects
    # (kube-apiserver's Service IP repair loop warns on Services, every few minutes), and the
    # store must hold exactly what kubectl lists, checked above
    assert len(source.store.list("Event", SEED)) >= 20


def apiserver_watches_done(realapi, resource: str) -> int:
    """WATCH requests on `resource` the server has finished (its metrics count a request when
    it ends): a watch the server closed on its timeout is one of them."""
    status, text = realapi.request("GET", "/metrics")
    assert status == 200
    pattern = re.compile(r'^apiserver_request_total\{([^}]*)\} (\d+)', re.M)
    return sum(int(n) for labels, n in pattern.findall(text)
               if 'verb="WATCH"' in labels and f'resource="{resource}"' in labels)


async def test_follows_kubectl_changes_across_watches_the_server_ends(realapi, kubectl, scratch):
    ns = scratch(("HelmRelease", "midwestmtg-frontend"))
    # The reflector asks for its own watch timeout (timeoutSeconds, as client-go), which the
    # server honours over --min-request-timeout: ask for 2-4 s so that the server ends them.
    source = await open_source(realapi.kubeconfig, min_watch_timeout=2)
    try:
        store = source.store
        assert store.get("HelmRelease", ns, "midwestmtg-frontend") is not None

        kubectl("create", "configmap", "settings", "-n", ns, "--from-literal=mode=debug")
        kubectl("run", "probe", "-n", ns, "--image=busybox:1.36", "--restart=Never")
        await eventually(lambda: store.get("ConfigMap", ns, "settings"), "a created ConfigMap")
        pod = await eventually(lambda: store.get("Pod", ns, "probe"), "a created pod")
        assert pod["spec"]["containers"][0]["image"] == "busybox:1.36"

        ready = {"type": "Ready", "status": "True", "reason": "UpgradeSucceeded",
                 "message": "Helm upgrade succeeded", "lastTransitionTime": "2026-01-01T00:00:00Z"}
        kubectl("patch", "helmrelease", "midwestmtg-frontend", "-n", ns, "--subresource=status",
                "--type=merge", "-p", json.dumps({"status": {"conditions": [ready]}}))

        def hr_ready():
            hr = store.get("HelmRelease", ns, "midwestmtg-frontend")
            return [c for c in hr["status"]["conditions"] if c["type"] == "Ready"] == [ready]
        await eventually(hr_ready, "a HelmRelease status patched through /status")

        kubectl("delete", "configmap", "settings", "-n", ns)
        await eventually(lambda: store.get("ConfigMap", ns, "settings") is None,
                         "a deleted ConfigMap gone")

        ended = apiserver_watches_done(realapi, "configmaps")
        await asyncio.sleep(4.5)  # past the longest watch the reflector asked for
        assert apiserver_watches_done(realapi, "configmaps") > ended, \
            "the server ended a ConfigMap watch meanwhile"
        kubectl("create", "configmap", "later", "-n", ns, "--from-literal=a=b")
        await eventually(lambda: store.get("ConfigMap", ns, "later"),
                         "a ConfigMap created after the server ended the watch")
        assert store.state("ConfigMap").phase == "live"
    finally:
        await source.close()


async def test_a_list_in_pages_says_how_far_it_is_by_the_servers_remaining_count(admin_source):
    """What the dashboard's "listing pods 3,500/10,000" rests on: the real server's
    remainingItemCount on every page but the last."""
    whole = len(admin_source.store.list("Event"))
    reflector = Reflector(admin_source.conn, admin_source.discovered.resources["Event"], Store(),
                          page_size=5)
    seen: list[tuple[int, int | None]] = []
    reflector.on_first_pages = lambda page: seen.append((len(reflector.partial),
                                                          reflector.expected))
    task = asyncio.create_task(reflector.run())
    try:
        await asyncio.wait_for(reflector.synced.wait(), 20)
    finally:
        task.cancel()
    assert len(seen) == -(-whole // 5) > 2, seen
    assert [read for read, _ in seen] == [min(5 * (i + 1), whole) for i in range(len(seen))]
    assert all(expected == whole for _, expected in seen), seen
    assert reflector.partial == [] and reflector.expected is None  # the store has them now
