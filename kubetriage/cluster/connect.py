"""Connecting to an API server: kubeconfig (or in-cluster) through kubernetes-asyncio, then a probe.

Every way this can go wrong for a user (a missing file, an unknown context, a server that does not
answer, a certificate that does not verify, a credential the server rejects) becomes one UsageError
line naming the file, context or server. The Connection hands out raw aiohttp responses: nobody
above this module sees the client's model classes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import os
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import orjson
import yaml
from aiohttp.helpers import get_env_proxy_for_url
from yarl import URL

from kubetriage.cluster import exec_credentials  # noqa: F401 (gives every exec plugin run a deadline)
from kubetriage.cluster.kube_client import (
    SERVICE_CERT_FILENAME,
    SERVICE_HOST_ENV_NAME,
    SERVICE_TOKEN_FILENAME,
    ApiClient,
    ConfigException,
    ConfigNode,
    Configuration,
    InClusterConfigLoader,
    KubeConfigLoader,
    KubeConfigMerger,
)
from kubetriage.core.text import clean
from kubetriage.errors import ApiError, ReadOnlyError, UsageError

DEFAULT_KUBECONFIG = "~/.kube/config"
PROBE_TIMEOUT_S = 10.0
PROBE_RETRY_DELAYS_S = (0.3, 1.0)  # a 5xx on the first GET /version is asked again after these
# what a read-only connection may still send: reads, and questions that change nothing
READS = frozenset({"GET", "HEAD"})
QUESTIONS = ("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
             "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")


@dataclass
class Connection:
    """An authenticated client for one API server. `request` returns the raw aiohttp response."""

    api: ApiClient
    context: str
    server: str
    namespace: str | None = None  # the context's default namespace
    cluster: str = ""
    user: str = ""  # the kubeconfig's user name, for the audit log
    # --read-only: every request goes through here, so a change cannot leave by another door
    read_only: bool = False
    _closed: bool = field(default=False, repr=False)

    async def request(self, method: str, path: str, params: dict[str, Any] | None = None, *,
                      body: Any = None, timeout: aiohttp.ClientTimeout | None = None,
                      headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
        if self.read_only and method.upper() not in READS and \
                not (method.upper() == "POST" and path in QUESTIONS):
            raise ReadOnlyError(f"read-only mode: {method.upper()} {path} not sent "
                                "(kubetriage was started with --read-only)")
        if params:
            path = f"{path}?{urlencode({k: _q(v) for k, v in params.items() if v is not None})}"
        hdrs = {"Accept": "application/json", **(headers or {})}
        return await self.api.call_api(
            path, method, header_params=hdrs, body=body, auth_settings=["BearerToken"],
            _preload_content=False, _request_timeout=timeout or aiohttp.ClientTimeout(
                total=None, sock_connect=PROBE_TIMEOUT_S, sock_read=60))

    async def get_bytes(self, path: str, params: dict[str, Any] | None = None, *,
                        timeout: aiohttp.ClientTimeout | None = None) -> bytes:
        """The body of a successful GET; an ApiError for any other answer."""
        resp = await self.request("GET", path, params, timeout=timeout)
        async with resp:
            data = await resp.read()
            if resp.status >= 300:
                raise api_error(resp.status, resp.reason or "", data)
            return data

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return orjson.loads(await self.get_bytes(path, params))

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self.api.close()


def api_error(status: int, reason: str, body: bytes) -> ApiError:
    """An ApiError from an error answer, taking the message of a Status body when there is one."""
    message = ""
    try:
        doc = orjson.loads(body)
        if isinstance(doc, dict):
            message = str(doc.get("message") or "")
            reason = str(doc.get("reason") or reason)
    except orjson.JSONDecodeError:
        message = body[:200].decode("utf-8", "replace").strip()
    return ApiError(status, reason, message)


def _q(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def kubeconfig_paths(explicit: str | None = None,
                     environ: dict[str, str] | os._Environ = os.environ) -> list[Path]:
    """The files kubectl would read, in its order: --kubeconfig, else $KUBECONFIG, else the default."""
    if explicit:
        return [Path(explicit).expanduser()]
    if environ.get("KUBECONFIG"):
        return [Path(p).expanduser() for p in environ["KUBECONFIG"].split(os.pathsep) if p]
    return [Path(DEFAULT_KUBECONFIG).expanduser()]


def context_names(kubeconfig: str | None = None,
                  environ: dict[str, str] | os._Environ = os.environ) -> list[str]:
    """The contexts the kubeconfig files name, in kubectl's merge order (first one wins)."""
    names: list[str] = []
    for path in kubeconfig_paths(kubeconfig, environ):
        if path.is_file():
            for ctx in _read_kubeconfig(path).get("contexts") or []:
                name = ctx.get("name") if isinstance(ctx, dict) else None
                if isinstance(name, str) and name not in names:
                    names.append(name)
    return names


async def connect(kubeconfig: str | None = None, context: str | None = None, *,
                  probe: bool = True, probe_timeout: float = PROBE_TIMEOUT_S,
                  read_only: bool = False,
                  environ: dict[str, str] | os._Environ = os.environ) -> Connection:
    """Connect as kubectl would (--kubeconfig, $KUBECONFIG, ~/.kube/config, or in-cluster when
    none exists and the pod's service account is mounted), then ask /version to prove it works.
    A read_only connection refuses to send anything but reads and access reviews."""
    config = Configuration()
    paths = kubeconfig_paths(kubeconfig, environ)
    existing = [p for p in paths if p.is_file()]
    if not existing and not kubeconfig and not environ.get("KUBECONFIG") \
            and environ.get(SERVICE_HOST_ENV_NAME):
        conn = _in_cluster(config, environ)
    else:
        conn = await _from_kubeconfig(config, paths, existing, kubeconfig, context, environ)
    conn.read_only = read_only
    if probe:
        try:
            await _probe(conn, probe_timeout)
        except BaseException:
            await conn.close()
            raise
    return conn


def _in_cluster(config: Configuration, environ: dict[str, str] | os._Environ) -> Connection:
    try:
        InClusterConfigLoader(SERVICE_TOKEN_FILENAME, SERVICE_CERT_FILENAME,
                              environ=environ).load_and_set(config)
    except ConfigException as exc:
        raise UsageError(f"in-cluster config: {exc} (is the service account token mounted?)") \
            from None
    ns_file = Path(SERVICE_TOKEN_FILENAME).with_name("namespace")
    namespace = ns_file.read_text().strip() if ns_file.is_file() else None
    return Connection(_env_proxy_once(ApiClient(config)), "in-cluster", config.host or "", namespace,
                      "in-cluster")


async def _from_kubeconfig(config: Configuration, paths: list[Path], existing: list[Path],
                           explicit: str | None, context: str | None,
                           environ: dict[str, str] | os._Environ) -> Connection:
    if explicit and not existing:
        raise UsageError(f"kubeconfig {paths[0]}: no such file")
    if not existing:
        if environ.get("KUBECONFIG"):
            raise UsageError(f"no kubeconfig: none of the files in KUBECONFIG exists "
                             f"({environ['KUBECONFIG']})")
        raise UsageError(f"no kubeconfig: {paths[0]} does not exist and KUBECONFIG is not set "
                         "(use --kubeconfig FILE, or --demo to try the embedded cluster)")
    current = None
    docs = {path: _read_kubeconfig(path) for path in existing}
    for doc in docs.values():
        current = current or doc.get("current-context")  # kubectl: the first file that sets it
    where = str(existing[0]) if len(existing) == 1 else f"KUBECONFIG ({len(existing)} files)"
    merged = KubeConfigMerger(os.pathsep.join(str(p) for p in existing))
    root = merged.config.value if merged.config else {}  # not None: each of `existing` was read
    contexts = {str(c["name"]): c for c in map(_raw, root.get("contexts") or [])}
    name = context or current
    known = ", ".join(sorted(contexts)) or "none"
    if not name:
        raise UsageError(f"{where} has no current-context; choose one with --context "
                         f"(known: {known})")
    if name not in contexts:
        flag = "--context" if context else "current-context"
        raise UsageError(f"context {name!r} ({flag}) not found in {where}; known contexts: "
                         f"{known}")
    ctx = contexts[name]["context"] or {}
    cluster_name = ctx.get("cluster")
    _no_twins(docs, (("contexts", name), ("clusters", cluster_name), ("users", ctx.get("user"))))
    clusters = {str(c["name"]): c for c in map(_raw, root.get("clusters") or [])}
    if cluster_name not in clusters:
        raise UsageError(f"context {name!r} in {where} names cluster {cluster_name!r}, "
                         "which is not defined there")
    if not (clusters[cluster_name]["cluster"] or {}).get("server"):
        raise UsageError(f"cluster {cluster_name!r} in {where} has no server")
    users = {str(u["name"]): u for u in map(_raw, root.get("users") or [])}
    user_name = ctx.get("user")
    if user_name and user_name not in users:
        raise UsageError(f"context {name!r} in {where} names user {user_name!r}, "
                         "which is not defined there")
    root["current-context"] = name
    loader = KubeConfigLoader(config_dict=merged.config, active_context=name,
                              config_base_path=None)
    user = (users[user_name]["user"] or {}) if user_name else {}
    try:
        await loader.load_and_set(config)
    except ConfigException as exc:
        raise UsageError(_config_problem(name, user_name, user, str(exc))) from None
    except FileNotFoundError as exc:
        raise UsageError(f"context {name!r}: {exc.filename}: no such file") from None
    _check_expiry(loader, name, user_name)
    if "exec" in user:
        config.refresh_api_key_hook = _exec_refresher(loader, user_name)
    try:
        api = _env_proxy_once(ApiClient(config))
    except (ssl.SSLError, OSError) as exc:
        raise UsageError(f"context {name!r}: cannot load its TLS files: {exc}") from None
    return Connection(api, name, config.host or "", ctx.get("namespace"), str(cluster_name),
                      str(user_name or ""))


def _no_twins(docs: dict[Path, dict[str, Any]], names: tuple[tuple[str, Any], ...]) -> None:
    """A context, cluster or user named twice in one file: kubectl takes the last entry, a
    reader of the list the first, so which server is reached would depend on the tool."""
    for path, doc in docs.items():
        for section, name in names:
            entries = doc.get(section) or []
            count = sum(1 for e in entries if isinstance(e, dict) and e.get("name") == name)
            if name and count > 1:
                raise UsageError(f"{section[:-1]} {name!r} is defined {count} times in "
                                 f"kubeconfig {path}: kubectl would use the last, other tools "
                                 "the first; keep one")


def _env_proxy_once(api: ApiClient) -> ApiClient:
    """The proxy from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, resolved once, as kubectl does.

    kubernetes-asyncio's session trusts the environment, so aiohttp looks the proxy variables
    and ~/.netrc up again, in a thread, on every request: 0.6 ms each, three quarters of the
    cost of fetching 400 logs. Like Go's ProxyFromEnvironment, a loopback server is never
    proxied; a kubeconfig's own proxy-url wins."""
    rest = api.rest_client
    url = URL(api.configuration.host or "")
    if not rest.proxy and url.host and not _loopback(url.host):
        with contextlib.suppress(LookupError):
            proxy, auth = get_env_proxy_for_url(url)
            rest.proxy = str(proxy)
            if auth is not None:
                rest.proxy_headers = {**(rest.proxy_headers or {}),
                                      "Proxy-Authorization": auth.encode()}
    rest.pool_manager._trust_env = False  # no public setter; read per request (aiohttp 3.x)
    return api


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    return False


def _raw(entry: Any) -> dict[str, Any]:
    return entry.value if isinstance(entry, ConfigNode) else entry


def _read_kubeconfig(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f":{mark.line + 1}" if mark else ""
        raise UsageError(f"kubeconfig {path}{at}: not valid YAML "
                         f"({getattr(exc, 'problem', None) or exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"kubeconfig {path}: cannot read: {getattr(exc, 'strerror', exc)}") \
            from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise UsageError(f"kubeconfig {path}: not a kubeconfig (a {type(doc).__name__}, "
                         "not a mapping)")
    return doc


def _config_problem(context: str, user_name: str | None, user: dict[str, Any], text: str) -> str:
    if text.startswith("exec:"):
        command = (user.get("exec") or {}).get("command", "?")
        detail = text.removeprefix("exec:").strip().splitlines()[0] if text.strip() else text
        if detail.startswith("gave no credential"):
            return f"exec credential plugin {command!r} of user {user_name!r} {detail}"
        return (f"exec credential plugin {command!r} of user {user_name!r} failed: {detail}")
    return f"context {context!r}: {text}"


def _check_expiry(loader: KubeConfigLoader, context: str, user_name: str | None) -> None:
    """A credential known to be expired before asking: an exec plugin's expirationTimestamp or a
    client certificate past its notAfter."""
    expiry = getattr(loader, "exec_plugin_expiry", None)
    now = datetime.datetime.now(datetime.UTC)
    if expiry is not None and expiry <= now:
        raise UsageError(f"the credential of user {user_name!r} (context {context!r}) expired at "
                         f"{expiry:%Y-%m-%d %H:%M:%S} UTC (from its exec plugin); log in again")
    cert = getattr(loader, "cert_file", None)
    if cert:
        try:
            not_after = ssl._ssl._test_decode_cert(cert)["notAfter"]  # type: ignore[attr-defined]
        except (ssl.SSLError, KeyError, OSError):
            return  # unreadable: the TLS handshake will say what is wrong
        ends = datetime.datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after),
                                               datetime.UTC)
        if ends <= now:
            raise UsageError(f"the client certificate of user {user_name!r} (context "
                             f"{context!r}) expired at {ends:%Y-%m-%d %H:%M:%S} UTC; "
                             "get a new one")


def _exec_refresher(loader: KubeConfigLoader, user_name: str | None):
    """Re-run the exec plugin once its token expires (the library's loader caches it until then).
    A plugin failing then is an ApiError 401 for the request: reflectors back off and retry."""

    async def refresh(config: Configuration) -> None:
        try:
            await loader.load_from_exec_plugin()
        except ConfigException as exc:
            raise ApiError(401, "Unauthorized", _config_problem(
                "", user_name, loader._user.value if loader._user else {}, str(exc))) from None
        config.api_key["BearerToken"] = loader.token

    return refresh




async def _probe(conn: Connection, timeout: float) -> None:
    """GET /version, asked again after a 5xx (a server restarting, a load balancer between
    backends), then once more: a single bad answer is not a broken cluster."""
    for delay in PROBE_RETRY_DELAYS_S:
        try:
            await _ask_version(conn, timeout)
            return
        except _Retry:
            await asyncio.sleep(delay)
    await _ask_version(conn, timeout, last=True)


class _Retry(Exception):
    """A 5xx on GET /version: worth asking again."""


async def _ask_version(conn: Connection, timeout: float, last: bool = False) -> None:
    """GET /version: turns every way of not reaching the server into the line a user reads."""
    where = f"the API server {conn.server} (context {conn.context!r})"
    try:
        resp = await conn.request("GET", "/version", timeout=aiohttp.ClientTimeout(total=timeout))
        async with resp:
            body = await resp.read()
    except aiohttp.ClientConnectorCertificateError as exc:
        reason = getattr(exc.certificate_error, "verify_message", None) or exc.certificate_error
        raise UsageError(f"TLS failure talking to {where}: certificate verify failed: {reason}") \
            from None
    except (aiohttp.ClientSSLError, ssl.SSLError) as exc:
        raise UsageError(f"TLS failure talking to {where}: {_ssl_reason(exc)}") from None
    except aiohttp.ClientConnectorError as exc:
        raise UsageError(f"cannot reach {where}: {_os_reason(exc.os_error)}") from None
    except (TimeoutError, aiohttp.ServerTimeoutError):
        raise UsageError(f"cannot reach {where}: no answer within {timeout:g} s") from None
    except aiohttp.ClientError as exc:
        raise UsageError(f"cannot talk to {where}: {exc}") from None
    if resp.status == 401:
        raise UsageError(f"{where} rejected the credentials (401 Unauthorized): the token or "
                         "certificate has expired or is not valid; log in again")
    if resp.status >= 500:
        if not last:
            raise _Retry()
        said = api_error(resp.status, resp.reason or "", body).message
        raise UsageError(f"{where} answered {resp.status} {resp.reason} to GET /version"
                         + (f": {said}" if said else ""))
    if resp.status < 300 and not _is_version(body):
        # a proxy's or web server's page where the API server should be
        raise UsageError(f"{where} is not a Kubernetes API server: GET /version answered "
                         f"{resp.status} {resp.content_type or 'without a type'} "
                         f"({_excerpt(body)})")


def _is_version(body: bytes) -> bool:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    return isinstance(doc, dict) and isinstance(doc.get("gitVersion", doc.get("major")), str)


def _excerpt(body: bytes, limit: int = 60) -> str:
    text = clean(body[:limit * 4].decode("utf-8", "replace")).strip()
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def _os_reason(err: OSError) -> str:
    if err.errno is not None and err.errno > 0:
        return os.strerror(err.errno).lower()  # asyncio's strerror is "Connect call failed (...)"
    return str(err.strerror or err).lower()


def _ssl_reason(exc: BaseException) -> str:
    inner = getattr(exc, "os_error", None) or exc
    return getattr(inner, "reason", None) or str(inner)
