"""SimServer: the embedded Kubernetes API server on loopback, playing a scenario.

    async with SimServer("midwestmtg") as sim:      # or: url = await sim.start(port=0)
        sim.write_kubeconfig(path)                   # kubectl --kubeconfig path get pods -A

`run_in_thread` runs one on its own loop in a thread, for tests that drive the real kubectl.
"""

from __future__ import annotations

import asyncio
import ipaddress
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import yaml
from aiohttp import web

from kubetriage.core.resources import known
from kubetriage.sim import api, discovery, encoding, logs, routes, watch
from kubetriage.sim import scenario as scenarios
from kubetriage.sim.controllers import Controllers
from kubetriage.sim.errors import StatusError
from kubetriage.sim.faults import Faults
from kubetriage.sim.rbac import Rbac
from kubetriage.sim.scenario import Scenario
from kubetriage.sim.state import ClusterState
from kubetriage.sim.timeline import Timeline

T = TypeVar("T")
_VERBS = {"GET": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete", "POST": "create"}
_HEALTH = ("healthz", "livez", "readyz")


class SimServer:
    def __init__(self, scenario: Scenario | str | None, *, speed: float = 1.0,
                 faults: Faults | None = None, rbac: Rbac | None = None,
                 bookmark_interval: float = 60.0, absent: Iterable[str] = (),
                 token: str | None = None,
                 server_version: tuple[int, int, int] = discovery.SERVER_VERSION,
                 adopt: bool = False) -> None:
        """adopt: the scenario was made for this server alone: its objects are stored as they
        are, not copied (a scenario named by a string is loaded here, so always)."""
        if isinstance(scenario, str):
            scenario, adopt = scenarios.load(scenario), True
        self.scenario = scenario
        self.state = ClusterState(scenario.dump.objects, scenario.dump.logs, adopt=adopt) \
            if scenario else ClusterState()
        self.timeline = scenario.timeline if scenario else Timeline()
        self.speed = speed
        self.faults = faults or Faults()
        self.rbac = rbac or Rbac()
        self.bookmark_interval = bookmark_interval
        self.absent = frozenset(absent)  # API groups or group/versions this cluster lacks
        self.token = token  # when set, the one bearer token accepted; anything else is 401
        self.server_version = server_version
        self.url = ""
        self.controllers = Controllers(self.state, self.timeline, speed)
        self._lists = api.Lists()
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> SimServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the embedded server listens on loopback only, not {host}")
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.url = f"http://{'[' + bound[0] + ']' if ':' in bound[0] else bound[0]}:{bound[1]}"
        self.controllers.start()
        return self.url

    async def stop(self) -> None:
        await self.controllers.stop()
        self.state.close_streams()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def write_kubeconfig(self, path: str | Path, context: str = "kubetriage-sim",
                         namespace: str | None = None) -> Path:
        """A kubeconfig for this server: plain http and a token user, as kubectl accepts it.
        Its namespace is the application namespace holding most pods (so `kubectl get pods` shows
        the scenario)."""
        path = Path(path)
        namespace = namespace or self._busiest_namespace()
        config = {
            "apiVersion": "v1", "kind": "Config", "preferences": {},
            "clusters": [{"name": context, "cluster": {"server": self.url}}],
            "users": [{"name": context, "user": {"token": self.token or "kubetriage-sim"}}],
            "contexts": [{"name": context, "context": {"cluster": context, "user": context,
                                                       "namespace": namespace}}],
            "current-context": context,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        return path

    def _busiest_namespace(self) -> str:
        pods = self.state.list(known("v1", "Pod"))
        counts = Counter(p["metadata"].get("namespace") for p in pods)
        # the application's namespace, not the platform's (dapr-system outnumbers default)
        apps = Counter({ns: n for ns, n in counts.items()
                        if not (ns.endswith("-system") or ns.startswith("kube-"))})
        return (apps or counts).most_common(1)[0][0] if counts else "default"

    # -- HTTP --------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        faults = self.faults
        if faults.latency:
            await asyncio.sleep(faults.latency)
        if request.path.strip("/") not in _HEALTH:
            if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
                return encoding.error(StatusError.unauthorized())
            if faults.fail_request():
                return encoding.error(StatusError.internal("injected fault: the server failed"))
        try:
            return await handler(request)
        except StatusError as exc:
            return encoding.error(exc)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        parts = [p for p in request.path.split("/") if p]
        doc = self._discovery(parts)
        if doc is not None:
            if request.method != "GET":
                raise StatusError.method_not_allowed()
            return doc
        if parts == ["apis", "authorization.k8s.io", "v1", "selfsubjectaccessreviews"] \
                and request.method == "POST":
            return await api.access_review(self, request)
        target = routes.parse(parts)
        if target.resource.version not in discovery.served_groups(self.absent).get(
                target.resource.group, ()):
            raise StatusError.path_not_found()
        verb = self._verb(request, target)
        if not self.rbac.allowed(verb, target.resource.group, target.rbac_resource,
                                 target.namespace,
                                 forbid_cluster_wide=self.faults.forbid_cluster_wide,
                                 namespaced=target.resource.namespaced):
            raise StatusError.forbidden(self.rbac.user, verb, target.resource, target.namespace,
                                     target.name or "", target.subresource or "")
        if verb not in target.resource.verbs and not target.subresource:
            raise StatusError.method_not_allowed()
        if verb == "list":
            return self._lists.page(self, request, target)
        if verb == "watch":
            return await watch.serve(self, request, target)
        if target.subresource == "log":
            if verb != "get":
                raise StatusError.method_not_allowed()
            return await logs.serve(self, request, target)
        handler = {"get": api.get, "create": api.create, "update": api.update,
                   "patch": api.patch, "delete": api.delete,
                   "deletecollection": api.delete}[verb]
        result = handler(self, request, target)
        return await result if asyncio.iscoroutine(result) else result

    def _verb(self, request: web.Request, target: routes.PathTarget) -> str:
        method = request.method
        if method not in _VERBS:
            raise StatusError.method_not_allowed()
        if target.name is None:
            if method == "GET":
                return "watch" if target.watch or api.flag(request, "watch") else "list"
            if method == "DELETE":
                return "deletecollection"
            if method != "POST":
                raise StatusError.method_not_allowed()
            return "create"
        if method == "POST" or (target.watch and method != "GET"):
            raise StatusError.method_not_allowed()
        if target.watch:  # /watch/namespaces/ns/pods/NAME: a watch of one object
            return "watch"
        return _VERBS[method]

    def _discovery(self, parts: list[str]) -> web.Response | None:
        doc: Any = None
        if parts == ["version"]:
            doc = discovery.version(self.server_version)
        elif parts == ["api"]:
            doc = discovery.api_versions(self.url.split("//", 1)[-1])
        elif parts == ["apis"]:
            doc = discovery.api_group_list(self.absent)
        elif len(parts) == 2 and parts[0] == "api":
            doc = discovery.resource_list("", parts[1], self.absent)
        elif len(parts) == 2 and parts[0] == "apis":
            doc = discovery.api_group(parts[1], self.absent)
        elif len(parts) == 3 and parts[0] == "apis":
            doc = discovery.resource_list(parts[1], parts[2], self.absent)
        elif len(parts) == 1 and parts[0] in _HEALTH:
            return web.Response(text="ok")
        else:
            return None
        if doc is None:
            raise StatusError.path_not_found()
        return encoding.respond(doc)


class ThreadedSim:
    """A SimServer running on its own loop in another thread; `call` runs a function on that
    loop (the state is only safe to touch there)."""

    def __init__(self, sim: SimServer, loop: asyncio.AbstractEventLoop) -> None:
        self.sim, self.loop = sim, loop

    @property
    def url(self) -> str:
        return self.sim.url

    @property
    def faults(self) -> Faults:
        return self.sim.faults

    def write_kubeconfig(self, path: str | Path, context: str = "kubetriage-sim",
                         namespace: str | None = None) -> Path:
        return self.call(lambda sim: sim.write_kubeconfig(path, context, namespace))

    def call(self, fn: Callable[[SimServer], T], timeout: float = 10.0) -> T:
        async def run() -> T:
            return fn(self.sim)
        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)


@contextmanager
def run_in_thread(scenario: Scenario | str | None, *, host: str = "127.0.0.1", port: int = 0,
                  **kw: Any) -> Iterator[ThreadedSim]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, Any] = {}

    def main() -> None:
        asyncio.set_event_loop(loop)
        try:
            sim = SimServer(scenario, **kw)
            loop.run_until_complete(sim.start(host, port))
            box["sim"] = sim
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(sim.stop())
            loop.close()

    thread = threading.Thread(target=main, name="kubetriage-sim", daemon=True)
    thread.start()
    if not ready.wait(30):
        raise TimeoutError("the embedded server did not start within 30 s")
    if "error" in box:
        raise box["error"]
    try:
        yield ThreadedSim(box["sim"], loop)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(15)
