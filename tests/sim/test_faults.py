"""Fault injection: the server keeps serving and tells the truth. A cut watch ends after a whole
line, a 410 is a proper Status, 500s are Status objects at the configured rate, 403s for
cluster-wide lists agree with SelfSubjectAccessReview, a stalled watch sends nothing."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import orjson
import pytest

from kubetriage.core import resources
from kubetriage.sim.faults import Faults

CM = resources.by_kind("v1", "ConfigMap")
TIMEOUT = aiohttp.ClientTimeout(total=10)


def cm(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name,
                                                                  "namespace": "web"}}


async def read_stream(response: aiohttp.ClientResponse) -> tuple[bytes, bool]:
    """The whole body, and whether the connection broke before the body ended."""
    chunks = []
    try:
        async for chunk in response.content.iter_any():
            chunks.append(chunk)
    except aiohttp.ClientPayloadError:
        return b"".join(chunks), True
    return b"".join(chunks), False


async def test_a_dropped_watch_breaks_after_a_whole_line_and_the_next_one_works(sim):
    sim.faults.drop_watch_every = 2
    url = (f"{sim.url}/api/v1/namespaces/web/configmaps?watch=true&timeoutSeconds=3"
           f"&resourceVersion={sim.state.resource_version}")
    sim.state.create(cm("a"))
    sim.state.create(cm("b"))
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
        async with s.get(url) as first:  # watch 1: not dropped
            assert orjson.loads(await first.content.readline())["object"]["metadata"][
                "name"] == "a"
        async with s.get(url) as second:  # watch 2: cut
            body, broken = await read_stream(second)
        assert broken
        assert body.endswith(b"\n") and body.count(b"\n") == 1
        assert orjson.loads(body)["type"] == "ADDED"
        async with s.get(f"{sim.url}/api/v1/namespaces/web/configmaps") as after:
            assert orjson.loads(await after.read())["kind"] == "ConfigMapList"  # still serving


async def test_every_nth_watch_is_answered_410_expired(sim):
    sim.faults.gone_watch_every = 1
    url = f"{sim.url}/api/v1/configmaps?watch=true&resourceVersion=1&timeoutSeconds=2"
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s, s.get(url) as r:
        event = orjson.loads(await r.content.readline())
    assert event["type"] == "ERROR"
    assert (event["object"]["code"], event["object"]["reason"]) == (410, "Expired")
    assert event["object"]["message"].startswith("too old resource version: 1 (")


async def test_injected_500s_are_status_objects_at_the_configured_rate(sim):
    sim.faults.error_rate = 0.5
    codes = []
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
        for _ in range(60):
            async with s.get(f"{sim.url}/api/v1/namespaces/web/pods") as r:
                body = orjson.loads(await r.read())
                codes.append(r.status)
                if r.status == 500:
                    assert (body["kind"], body["reason"]) == ("Status", "InternalError")
                else:
                    assert body["kind"] == "PodList"
    assert 15 <= codes.count(500) <= 45
    sim.faults.error_rate = 0  # changed while running: no more errors
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s, \
            s.get(f"{sim.url}/api/v1/pods") as r:
        assert r.status == 200


async def test_latency_is_added_to_answers(sim):
    sim.faults.latency = 0.3
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
        started = time.monotonic()
        async with s.get(f"{sim.url}/api/v1/namespaces/web/pods") as r:
            assert r.status == 200
        assert time.monotonic() - started >= 0.3


async def test_cluster_wide_403_agrees_with_access_reviews(sim):
    sim.faults.forbid_cluster_wide = True
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
        async with s.get(f"{sim.url}/api/v1/pods") as r:
            body = orjson.loads(await r.read())
            assert (r.status, body["reason"]) == (403, "Forbidden")
            assert body["message"] == ('pods is forbidden: User "kubetriage" cannot list '
                                       'resource "pods" in API group "" at the cluster scope')
        async with s.get(f"{sim.url}/api/v1/namespaces/web/pods") as r:
            assert r.status == 200

        async def review(namespace: str) -> bool:
            spec = {"resourceAttributes": {"verb": "list", "resource": "pods",
                                           "namespace": namespace}}
            async with s.post(f"{sim.url}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                              json={"spec": spec}) as r:
                return orjson.loads(await r.read())["status"]["allowed"]
        assert not await review("") and await review("web")
        async with s.get(f"{sim.url}/api/v1/namespaces") as r:
            assert r.status == 200  # a cluster-scoped kind is not "all namespaces"


async def test_a_stalled_watch_stays_open_and_sends_nothing(sim):
    sim.faults.stall_watch_every = 1
    url = (f"{sim.url}/api/v1/namespaces/web/configmaps?watch=true&timeoutSeconds=30"
           f"&resourceVersion={sim.state.resource_version}")
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s, s.get(url) as r:
        assert r.status == 200
        sim.state.create(cm("never-seen"))
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(r.content.readline(), 0.5)


def test_faults_are_off_by_default():
    faults = Faults()
    assert [faults.next_watch() for _ in range(10)] == [None] * 10
    assert not any(faults.fail_request() for _ in range(100))
