"""Endpoints follow the pods their Service selects, as kube-controller-manager keeps them: a
pod turning ready moves to `addresses`, a deleted one leaves, a new Service gets Endpoints."""

from __future__ import annotations

import asyncio

from kubetriage.core.resources import by_kind
from kubetriage.sim.server import SimServer

POD, SERVICE, ENDPOINTS = (by_kind("v1", k) for k in ("Pod", "Service", "Endpoints"))


def pod(name: str, ip: str, ready: bool, app: str = "web") -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "shop", "labels": {"app": app}},
            "spec": {"nodeName": "n1", "containers": [
                {"name": "c", "image": "nginx", "ports": [{"name": "http", "containerPort": 8080}]}]},
            "status": {"phase": "Running", "podIP": ip, "conditions": [
                {"type": "Ready", "status": "True" if ready else "False"}]}}


def addresses(sim: SimServer, field: str) -> list[str]:
    ep = sim.state.get(ENDPOINTS, "shop", "web") or {}
    return [a["targetRef"]["name"] for s in ep.get("subsets") or [] for a in s.get(field, [])]


async def settle() -> None:
    await asyncio.sleep(0.05)


async def test_endpoints_follow_readiness_deletion_and_new_services():
    async with SimServer(None) as sim:
        state = sim.state
        state.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
        state.create(pod("web-1", "10.0.0.1", ready=False))
        state.create(pod("db-1", "10.0.0.9", ready=True, app="db"))
        state.create({"apiVersion": "v1", "kind": "Service",
                      "metadata": {"name": "web", "namespace": "shop"},
                      "spec": {"selector": {"app": "web"},
                               "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}})
        await settle()
        assert addresses(sim, "notReadyAddresses") == ["web-1"]
        assert addresses(sim, "addresses") == []
        ports = sim.state.get(ENDPOINTS, "shop", "web")["subsets"][0]["ports"]
        assert ports == [{"port": 8080, "protocol": "TCP", "name": "http"}]

        state.patch_merge(POD, "shop", "web-1", {"status": {"conditions": [
            {"type": "Ready", "status": "True"}]}})
        state.create(pod("web-2", "10.0.0.2", ready=True))
        await settle()
        assert addresses(sim, "addresses") == ["web-1", "web-2"]
        assert addresses(sim, "notReadyAddresses") == []

        state.delete(POD, "shop", "web-1")
        state.delete(POD, "shop", "web-2")
        await settle()
        assert sim.state.get(ENDPOINTS, "shop", "web").get("subsets") in (None, [])

        state.delete(SERVICE, "shop", "web")
        await settle()
        assert sim.state.get(ENDPOINTS, "shop", "web") is None
