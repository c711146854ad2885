"""pods/log: container, previous, tailLines, sinceSeconds/sinceTime, timestamps, limitBytes and
follow, with the kubelet's errors for a wrong container or a container that never ran."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from kubetriage.core import resources
from kubetriage.sim import api
from kubetriage.sim.errors import StatusError
from kubetriage.sim.podlogs import LogLine
from kubetriage.sim.routes import PathTarget

if TYPE_CHECKING:
    from kubetriage.sim.server import SimServer

POD = resources.known("v1", "Pod")
NODE = resources.known("v1", "Node")
_WAITING = {"ImagePullBackOff": "trying and failing to pull image",
            "ErrImagePull": "image can't be pulled"}


def _format(line: LogLine, timestamps: bool) -> bytes:
    if not timestamps:
        return (line.text + "\n").encode()
    stamp = line.at.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"
    return f"{stamp} {line.text}\n".encode()


def _pick_container(pod: dict, name: str, requested: str | None) -> str:
    spec = pod.get("spec") or {}
    main = [c["name"] for c in spec.get("containers", [])]
    init = [c["name"] for c in spec.get("initContainers", [])]
    ephemeral = [c["name"] for c in spec.get("ephemeralContainers", [])]
    if not requested:
        if len(main) == 1:
            return main[0]
        choices = f"a container name must be specified for pod {name}, choose one of: " \
                  f"[{' '.join(main)}]"
        if init:
            choices += f" or one of the init containers: [{' '.join(init)}]"
        raise StatusError.bad_request(choices)
    if requested not in main + init + ephemeral:
        raise StatusError.bad_request(f"container {requested} is not valid for pod {name}")
    return requested


def _status(pod: dict, container: str) -> dict:
    status = pod.get("status") or {}
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for st in status.get(key, []):
            if st.get("name") == container:
                return st
    return {}


async def serve(server: SimServer, request: web.Request, target: PathTarget) -> web.StreamResponse:
    # a log's path is /api/v1/namespaces/NS/pods/NAME/log: both are there
    ns, name, q = target.namespace or "", target.name or "", request.query
    pod = server.state.get(POD, ns, name)
    if pod is None:
        raise StatusError.not_found(POD, name)
    container = _pick_container(pod, name, q.get("container"))
    node_ip = _node_ip(server, pod)
    if server.faults.kubelet_down and node_ip is not None:
        raise StatusError.kubelet_unreachable(node_ip, _kubelet_path(ns, name, container, q))
    st = _status(pod, container)
    log = server.state.log(ns, name, container)
    previous, follow = api.flag(request, "previous"), api.flag(request, "follow")
    if previous:
        if log.previous is None and not (st.get("lastState") or {}).get("terminated"):
            raise StatusError.bad_request(
                f'previous terminated container "{container}" in pod "{name}" not found')
        lines = list(log.previous or ())
    else:
        waiting = (st.get("state") or {}).get("waiting")
        if waiting and waiting.get("reason") != "CrashLoopBackOff" and not log.current \
                and not st.get("restartCount"):
            reason = waiting.get("reason", "ContainerCreating")
            raise StatusError.bad_request(f'container "{container}" in pod "{name}" is waiting to '
                                       f'start: {_WAITING.get(reason, reason)}')
        lines = list(log.current)
    try:
        since = _since(q)
        tail = int(q["tailLines"]) if q.get("tailLines") else None
        limit = int(q["limitBytes"]) if q.get("limitBytes") else None
    except ValueError as exc:
        raise StatusError.bad_request(f"invalid log options: {exc}") from None
    if since is not None:
        lines = [line for line in lines if line.at >= since]
    if tail is not None:
        lines = lines[-tail:] if tail > 0 else []
    timestamps = api.flag(request, "timestamps")
    body = b"".join(_format(line, timestamps) for line in lines)
    if limit is not None:
        body = body[:limit]
    if not follow or previous:
        return web.Response(body=body, content_type="text/plain")
    # following from before the first await: a line written while the head is sent is queued,
    # not lost between the lines read above and the follow
    queue: asyncio.Queue = asyncio.Queue()
    log.followers.add(queue)
    response = web.StreamResponse(headers={"Content-Type": "text/plain"})
    try:
        await response.prepare(request)
        await response.write(body)
        while request.transport is not None and not request.transport.is_closing():
            try:
                new = await asyncio.wait_for(queue.get(), 1.0)
            except TimeoutError:
                continue
            if new is None:  # the container exited, or the pod is gone
                break
            await response.write(b"".join(_format(line, timestamps) for line in new))
    except ConnectionResetError:  # the client stopped following mid-write
        pass
    finally:
        log.followers.discard(queue)
    return response


def _node_ip(server: SimServer, pod: dict) -> str | None:
    """The address kube-apiserver dials for the pod's kubelet (None: not on a node yet)."""
    node_name = (pod.get("spec") or {}).get("nodeName")
    if not node_name:
        return None
    node = server.state.get(NODE, None, node_name) or {}
    addresses = {a.get("type"): a.get("address")
                 for a in (node.get("status") or {}).get("addresses") or []}
    return addresses.get("InternalIP") or (pod.get("status") or {}).get("hostIP") or "127.0.0.1"


def _kubelet_path(namespace: str, pod: str, container: str, q) -> str:
    """The kubelet URL's path and query as kube-apiserver builds it: url.Values, keys sorted."""
    query = [(k, q[k]) for k in ("follow", "limitBytes", "previous", "sinceSeconds", "sinceTime",
                                 "tailLines", "timestamps")
             if q.get(k) and q[k] != "false"]
    return f"/containerLogs/{namespace}/{pod}/{container}" + \
        ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")


def _since(q) -> datetime | None:
    if q.get("sinceSeconds"):
        seconds = int(q["sinceSeconds"])
        if seconds <= 0:
            raise ValueError("sinceSeconds must be greater than 0")
        return datetime.now(UTC) - timedelta(seconds=seconds)
    if q.get("sinceTime"):
        return datetime.fromisoformat(q["sinceTime"].replace("Z", "+00:00"))
    return None
