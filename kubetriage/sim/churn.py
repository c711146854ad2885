"""Churn: a steady stream of changes to a running embedded cluster, for the benchmarks of the
live source and the dashboard (`kubetriage sim --scale ... --churn N/s`)."""

from __future__ import annotations

import asyncio
import random
from collections import deque
from datetime import UTC, datetime
from typing import Any

import orjson

from kubetriage.core import resources
from kubetriage.sim.errors import StatusError
from kubetriage.sim.generate.base import SAFE_CHARS

_POD = resources.known("v1", "Pod")
_EVENT = resources.known("v1", "Event")
_HR = resources.known("helm.toolkit.fluxcd.io/v2", "HelmRelease")
_CHURN_EVENTS_KEPT = 2000  # events churn created beyond this are deleted, oldest first, as the
# API server's event TTL would: a long churn keeps the cluster's size steady


async def churn(state: Any, per_second: float, seed: int = 1) -> None:
    """Change the cluster `per_second` times a second, evenly spread, until cancelled.

    Each change is one write to the ClusterState: a container restart, a release's Ready
    flipping, a pod deleted and its replacement created, an event created or its count bumped.
    The state is listed once at the start; after that every change is a get or a write by key.
    """
    loop = asyncio.get_running_loop()
    changes = _Churn(state, random.Random(seed))
    interval = 1.0 / per_second
    due = loop.time()
    while True:
        due += changes.step() * interval
        delay = due - loop.time()
        if delay < -1.0:  # fell a second behind (a busy loop): catch up no more than that
            due, delay = loop.time() - 1.0, 0
        await asyncio.sleep(max(delay, 0))


class _Churn:
    def __init__(self, state: Any, rng: random.Random) -> None:
        self.state, self.rng = state, rng
        self.crashing: list[tuple[str, str, str]] = []  # (namespace, pod, container)
        self.healthy: list[tuple[str, str]] = []  # running pods owned by a ReplicaSet
        for pod in state.list(_POD):
            meta, cs = pod["metadata"], (pod.get("status") or {}).get("containerStatuses") or []
            if not cs:
                continue
            if (cs[0].get("state") or {}).get("waiting", {}).get("reason") == "CrashLoopBackOff":
                self.crashing.append((meta["namespace"], meta["name"], cs[0]["name"]))
            elif cs[0].get("ready") and any(r.get("kind") == "ReplicaSet"
                                            for r in meta.get("ownerReferences") or []):
                self.healthy.append((meta["namespace"], meta["name"]))
        self.bumpable = [(e["metadata"]["namespace"], e["metadata"]["name"])
                         for e in state.list(_EVENT) if e.get("count") and e.get("lastTimestamp")
                         and e.get("reason") in ("BackOff", "Failed", "Unhealthy")]
        self.ready = [(r["metadata"]["namespace"], r["metadata"]["name"])
                      for r in state.list(_HR) if _ready_status(r) == "True"]
        self.progressing: deque[tuple[str, str]] = deque()
        self.created_events: deque[tuple[str, str]] = deque()
        self._ops = (self.restart, self.bump_event, self.new_event, self.flip_release,
                     self.replace_pod)
        self._weights = (25, 25, 15, 15, 20)

    def step(self) -> int:
        """One change, made at once (a pod's deletion and its replacement together, so no
        controller acts in between): the number of writes, 1 when nothing could be changed."""
        for _ in range(50):  # an op with nothing to act on (no crash-looping pod) writes nothing
            made = self.rng.choices(self._ops, self._weights)[0]()
            if made:
                return made
        return 1

    def _write(self, fn, *args) -> Any:
        try:
            return fn(*args)
        except StatusError:  # changed behind our back (a user deleted it): forget it
            return None

    def restart(self) -> int:
        pool = self.crashing if self.crashing and self.rng.random() < 0.8 else None
        if pool:
            ns, pod, container = self.rng.choice(pool)
        elif self.healthy:
            ns, pod = self.rng.choice(self.healthy)
            obj = self.state.get(_POD, ns, pod)
            if obj is None:
                return 0
            container = obj["spec"]["containers"][0]["name"]
        else:
            return 0
        if self._write(self.state.restart_container, ns, pod, container) is not None:
            return 1
        if pool:
            self.crashing.remove((ns, pod, container))
        return 0

    def bump_event(self) -> int:
        if not self.bumpable:
            return 0
        ns, name = self.rng.choice(self.bumpable)
        ev = self.state.get(_EVENT, ns, name)
        if ev is None:
            self.bumpable.remove((ns, name))
            return 0
        return int(self._write(self.state.patch_merge, _EVENT, ns, name,
                           {"count": int(ev.get("count") or 1) + 1,
                            "lastTimestamp": _now()}) is not None)

    def new_event(self) -> int:
        if not self.healthy:
            return 0
        pod = self.state.get(_POD, *self.rng.choice(self.healthy))
        if pod is None:
            return 0
        if self.rng.random() < 0.5:
            return self._create_event(_pod_event(
                pod, "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with "
                "statuscode: 503", self.rng))
        image = pod["spec"]["containers"][0]["image"]
        return self._create_event(_pod_event(
            pod, "Normal", "Pulled", f'Container image "{image}" already present on machine',
            self.rng))

    def _create_event(self, ev: dict[str, Any]) -> int:
        if self._write(self.state.create, ev) is None:
            return 0
        key = (ev["metadata"]["namespace"], ev["metadata"]["name"])
        self.created_events.append(key)
        if ev["type"] == "Warning":
            self.bumpable.append(key)
        if len(self.created_events) > _CHURN_EVENTS_KEPT:
            old = self.created_events.popleft()
            if self._write(self.state.delete, _EVENT, *old) is not None:
                return 2
        return 1

    def flip_release(self) -> int:
        """A release goes Unknown while it upgrades, and later back to Ready=True."""
        if self.progressing and (len(self.progressing) > 5 or self.rng.random() < 0.5):
            ns, name = self.progressing.popleft()
            hr = self.state.get(_HR, ns, name)
            if hr is None:
                return 0
            chart = hr["status"].get("lastAttemptedRevision", "")
            history = hr["status"].get("history") or [{}]
            revision = int(history[0].get("version", 1)) + 1
            message = (f"Helm upgrade succeeded for release {ns}/{name}.v{revision} with chart "
                       f"{hr['spec']['chart']['spec']['chart']}@{chart}")
            cond = _condition("True", "UpgradeSucceeded", message, hr)
            status = {"conditions": [cond, dict(cond, type="Released")],
                      "history": [dict(history[0], version=revision, status="deployed",
                                       lastDeployed=cond["lastTransitionTime"])] + history[1:]}
            self.ready.append((ns, name))
        elif self.ready:
            ns, name = _pop_random(self.ready, self.rng)
            hr = self.state.get(_HR, ns, name)
            if hr is None:
                return 0
            cond = _condition("Unknown", "Progressing", "Running 'upgrade' action with timeout "
                              "of 5m0s", hr)
            status = {"conditions": [cond] + [c for c in hr["status"].get("conditions", [])
                                              if c.get("type") == "Released"]}
            self.progressing.append((ns, name))
        else:
            return 0
        return int(self._write(self.state.patch_merge, _HR, ns, name, {"status": status})
                   is not None)

    def replace_pod(self) -> int:
        """Delete a healthy pod and create its ReplicaSet's new one, scheduled and started, with
        those events. All in one step: the server's ReplicaSet controller, acting on the loop's
        next turn, then finds the replicas complete and adds nothing."""
        if not self.healthy:
            return 0
        ns, name = _pop_random(self.healthy, self.rng)
        old = self.state.get(_POD, ns, name)
        if old is None or self._write(self.state.delete, _POD, ns, name) is None:
            return 0
        new = self._write(self.state.create, _replacement(old, self.rng))
        if new is None:
            return 1
        name = new["metadata"]["name"]
        self.healthy.append((ns, name))
        c = new["spec"]["containers"][0]["name"]
        return 2 + sum(self._create_event(_pod_event(new, "Normal", reason, message, self.rng))
                       for reason, message in (
                           ("Scheduled", f"Successfully assigned {ns}/{name} to "
                                         f"{new['spec'].get('nodeName', '')}"),
                           ("Started", f"Started container {c}")))


def _pop_random(items: list, rng: random.Random) -> Any:
    i = rng.randrange(len(items))
    items[i], items[-1] = items[-1], items[i]
    return items.pop()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ready_status(obj: dict[str, Any]) -> str | None:
    return next((c.get("status") for c in (obj.get("status") or {}).get("conditions") or []
                 if c.get("type") == "Ready"), None)


def _condition(status: str, reason: str, message: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Ready", "status": status, "reason": reason, "message": message,
            "lastTransitionTime": _now(),
            "observedGeneration": obj["metadata"].get("generation", 1)}


def _pod_event(pod: dict[str, Any], type_: str, reason: str, message: str,
               rng: random.Random) -> dict[str, Any]:
    meta, now = pod["metadata"], _now()
    node = pod["spec"].get("nodeName", "")
    scheduler = reason == "Scheduled"
    involved = {"apiVersion": "v1", "kind": "Pod", "name": meta["name"],
                "namespace": meta["namespace"], "uid": meta["uid"]}
    if not scheduler:
        involved["fieldPath"] = f"spec.containers{{{pod['spec']['containers'][0]['name']}}}"
    component = "default-scheduler" if scheduler else "kubelet"
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{meta['name']}.{rng.getrandbits(64):016x}",
                         "namespace": meta["namespace"]},
            "involvedObject": involved, "type": type_, "reason": reason, "message": message,
            "source": {"component": component, **({} if scheduler else {"host": node})},
            "firstTimestamp": now, "lastTimestamp": now, "count": 1,
            "reportingComponent": component, "reportingInstance": "" if scheduler else node}


def _replacement(old: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A new pod of the same ReplicaSet, as the controller and kubelet would make it."""
    pod = orjson.loads(orjson.dumps(old))
    meta, now = pod["metadata"], _now()
    for k in ("name", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
              "managedFields"):
        meta.pop(k, None)
    meta["name"] = meta["generateName"] + "".join(rng.choices(SAFE_CHARS, k=5))
    meta["creationTimestamp"] = now
    status = pod.get("status") or {}
    status["startTime"] = now
    for c in status.get("conditions") or []:
        c["lastTransitionTime"] = now
    ip = status.get("podIP", "10.42.0.2").rpartition(".")[0] + f".{rng.randrange(2, 254)}"
    status["podIP"], status["podIPs"] = ip, [{"ip": ip}]
    for cs in status.get("containerStatuses") or []:
        cs.update(restartCount=0, lastState={}, state={"running": {"startedAt": now}},
                  containerID=f"containerd://{rng.getrandbits(256):064x}")
    return pod
