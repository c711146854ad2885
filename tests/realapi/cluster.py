"""A real kube-apiserver (v1.36.2) and etcd for the tests, with a scenario loaded through its API.

    folder, why = find_binaries()          # ../shared/realapi, or why the tier is skipped
    api = RealApi.start(folder, workdir, crds)  # PKI, etcd, kube-apiserver, CRDs, ready
    problems = api.load(objects)           # a scenario through the real API: what it refused
    api.kubectl("get", "pods", "-A")
    api.stop()

The binaries (../shared/realapi/README.md) are unpacked once into a cache folder keyed by the
hash of the .gz. The PKI is made with the openssl CLI (the `cryptography` package is not among
our dependencies). Setup talks to the server with the standard library, not with
kubernetes-asyncio: the code under test must not be what loads the data it is judged on.
"""

from __future__ import annotations

import atexit
import copy
import ctypes
import gzip
import hashlib
import http.client
import ipaddress
import json
import os
import platform
import shutil
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kubetriage.core.resources import by_kind

REPO = Path(__file__).resolve().parents[2]
BINARIES = ("kube-apiserver", "etcd")
CONTEXT = "realapi"
# Tokens known to the server from the start (--token-auth-file is read once): `reader` and
# `lister` get an explicit Role in one namespace, `lister` may list namespaces too, `nobody`
# has no RBAC at all.
TOKENS = {user: f"{user}-token-0123456789" for user in ("reader", "lister", "nobody")}
# The server's watch timeout when a client asks for none (kubectl get -w): short, so that a
# test sees the server end watches. Our reflector asks for its own timeoutSeconds, which the
# server honours instead.
MIN_REQUEST_TIMEOUT_S = 5
READY_TIMEOUT_S = 30.0
SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
# Kinds created before the rest, in this order; owners before dependents inside the rest.
FIRST = ("Namespace", "Node", "ServiceAccount")
LAST = ("Event",)

Obj = dict[str, Any]


class LoadError(Exception):
    """The real server refused something during setup."""


def find_binaries(environ: os._Environ | dict[str, str] = os.environ) -> tuple[Path | None, str]:
    """(the folder holding kube-apiserver.gz and etcd.gz, "") or (None, why the tier is
    skipped). KUBETRIAGE_REALAPI_DIR when set (only it: pointing it elsewhere turns the tier
    off), else <repo>/../shared/realapi, else /work/shared/realapi (a git worktree does not sit
    beside ../shared)."""
    if environ.get("KUBETRIAGE_REALAPI_DIR"):
        candidates = [Path(environ["KUBETRIAGE_REALAPI_DIR"])]
    else:
        candidates = [REPO.parent / "shared" / "realapi", Path("/work/shared/realapi")]
    folder = next((f for f in candidates
                   if all((f / f"{name}.gz").is_file() for name in BINARIES)), None)
    if folder is None:
        return None, ("no real kube-apiserver: kube-apiserver.gz and etcd.gz are not in "
                      + " nor ".join(map(str, candidates)) + " (see KUBETRIAGE_REALAPI_DIR)")
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        return None, f"the real kube-apiserver binaries are linux/amd64, this is " \
                     f"{platform.system()}/{platform.machine()}"
    if shutil.which("openssl") is None:
        return None, "the real-API tier makes its PKI with openssl, which is not installed"
    return folder, ""


def unpack(folder: Path, cache: Path | None = None) -> dict[str, Path]:
    """name -> an executable, unpacked once per .gz content into the cache."""
    cache = cache or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") \
        / "kubetriage" / "realapi"
    out = {}
    for name in BINARIES:
        gz = folder / f"{name}.gz"
        digest = hashlib.sha256(gz.read_bytes()).hexdigest()[:16]
        target = cache / digest / name
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.part")  # other sessions may race us
            with gzip.open(gz) as src, open(partial, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            partial.chmod(0o755)
            partial.replace(target)
        out[name] = target
    return out


def make_pki(folder: Path) -> None:
    """A throwaway CA, a serving cert for 127.0.0.1/localhost, an admin client cert in
    system:masters, a service-account key pair and the token file."""
    folder.mkdir(parents=True, exist_ok=True)

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    def signed(name: str, subject: str, ext: str) -> None:
        (folder / f"{name}.ext").write_text(ext)
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
                "-out", f"{name}.csr", "-subj", subject)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-out", f"{name}.crt", "-extfile", f"{name}.ext")

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.crt", "-days", "2", "-subj", "/CN=kubetriage-test-ca")
    signed("server", "/CN=kube-apiserver",
           "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    signed("admin", "/O=system:masters/CN=kubetriage-admin", "extendedKeyUsage=clientAuth\n")
    openssl("genrsa", "-out", "sa.key", "2048")
    openssl("rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub")
    (folder / "tokens.csv").write_text(
        "".join(f"{token},{user},uid-{user}\n" for user, token in TOKENS.items()))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the child: SIGKILL when pytest dies, so that no 300 MB server outlives a killed run."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@dataclass
class RealApi:
    workdir: Path
    port: int
    processes: list[subprocess.Popen] = field(default_factory=list)
    _conn: http.client.HTTPSConnection | None = field(default=None, repr=False)

    # -- start and stop ------------------------------------------------------------------------

    @classmethod
    def start(cls, folder: Path, workdir: Path, crds: Path | None = None) -> RealApi:
        binaries = unpack(folder)
        pki = workdir / "pki"
        make_pki(pki)
        api = cls(workdir, free_port())
        atexit.register(api.stop)
        etcd_port, peer_port = free_port(), free_port()
        api._spawn("etcd", [str(binaries["etcd"]), f"--data-dir={workdir / 'etcd'}",
                            f"--listen-client-urls=http://127.0.0.1:{etcd_port}",
                            f"--listen-peer-urls=http://127.0.0.1:{peer_port}"])
        api._spawn("kube-apiserver", [
            str(binaries["kube-apiserver"]), "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1", f"--secure-port={api.port}",
            f"--etcd-servers=http://127.0.0.1:{etcd_port}",
            f"--tls-cert-file={pki / 'server.crt'}", f"--tls-private-key-file={pki / 'server.key'}",
            f"--client-ca-file={pki / 'ca.crt'}", f"--token-auth-file={pki / 'tokens.csv'}",
            "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={pki / 'sa.pub'}",
            f"--service-account-signing-key-file={pki / 'sa.key'}",
            f"--service-cluster-ip-range={SERVICE_CIDR}", "--allow-privileged=true",
            "--kubelet-preferred-address-types=InternalIP", "--event-ttl=24h",
            "--profiling=false", f"--min-request-timeout={MIN_REQUEST_TIMEOUT_S}"])
        try:
            api._wait_ready()
            api.write_kubeconfig(workdir / "kubeconfig")
            if crds is not None:
                api.apply_crds(crds)
        except BaseException:
            api.stop()
            raise
        return api

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.workdir / f"{name}.log", "wb")
        self.processes.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                               stdin=subprocess.DEVNULL, cwd=self.workdir,
                                               preexec_fn=_die_with_parent))
        log.close()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            for proc in self.processes:
                if proc.poll() is not None:
                    raise LoadError(f"{Path(proc.args[0]).name} exited with {proc.returncode}:"
                                    f"\n{self.log_tail(Path(proc.args[0]).name)}")
            try:
                if self.request("GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise LoadError(f"kube-apiserver not ready within {READY_TIMEOUT_S:g} s:\n"
                        f"{self.log_tail('kube-apiserver')}")

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.workdir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Both processes by PID, the API server first: stopped after etcd it hangs, retrying
        etcd (seen: 15 s and counting); in this order each exits in well under a second."""
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(2)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        self.processes.clear()

    # -- talking to it (setup only) ------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def pki(self, name: str) -> Path:
        return self.workdir / "pki" / name

    def _connection(self) -> http.client.HTTPSConnection:
        if self._conn is None:
            ctx = ssl.create_default_context(cafile=str(self.pki("ca.crt")))
            ctx.load_cert_chain(str(self.pki("admin.crt")), str(self.pki("admin.key")))
            self._conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=ctx,
                                                     timeout=30)
        return self._conn

    def request(self, method: str, path: str, body: Any = None,
                content_type: str = "application/json") -> tuple[int, Any]:
        """(status, decoded body) as the admin, on one kept-alive connection."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):  # a kept-alive connection the server closed: once more
            conn = self._connection()
            try:
                conn.request(method, path, data, headers)
                resp = conn.getresponse()
                raw = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self._conn = None
                if attempt == 2:
                    raise
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, raw.decode(errors="replace")

    # -- kubeconfigs and kubectl ---------------------------------------------------------------

    def write_kubeconfig(self, path: Path, *, token: str | None = None, user: str = "admin",
                         namespace: str | None = None) -> Path:
        """The admin's kubeconfig (client certificate), or a token user's."""
        creds = {"token": token} if token else {
            "client-certificate": str(self.pki("admin.crt")),
            "client-key": str(self.pki("admin.key"))}
        context: Obj = {"cluster": "realapi", "user": user}
        if namespace:
            context["namespace"] = namespace
        doc = {"apiVersion": "v1", "kind": "Config", "current-context": CONTEXT,
               "clusters": [{"name": "realapi", "cluster": {
                   "server": self.url, "certificate-authority": str(self.pki("ca.crt"))}}],
               "users": [{"name": user, "user": creds}],
               "contexts": [{"name": CONTEXT, "context": context}]}
        path.write_text(yaml.safe_dump(doc))
        return path

    @property
    def kubeconfig(self) -> Path:
        return self.workdir / "kubeconfig"

    def kubectl(self, *args: str, kubeconfig: Path | None = None,
                check: bool = True) -> subprocess.CompletedProcess:
        out = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig or self.kubeconfig),
                              "--request-timeout", "20s", *args],
                             capture_output=True, text=True, timeout=30)
        if check and out.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)}: exit {out.returncode}: {out.stderr}")
        return out

    # -- CRDs and objects ----------------------------------------------------------------------

    def apply_crds(self, folder: Path) -> None:
        """Every CRD of the folder but the v2beta2 HelmRelease file (the same CRD name as the v2
        file: the second would be refused), then until all are Established and listable (just
        after Established a list answers 429 "storage is (re)initializing" for a moment)."""
        names, collections = [], []
        for path in sorted(folder.glob("*.yaml")):
            if path.name.endswith(".v2beta2.yaml"):
                continue
            crd = yaml.safe_load(path.read_text())
            status, body = self.request(
                "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
            if status >= 300:
                raise LoadError(f"CRD {path.name}: {status} {_message(body)}")
            names.append(crd["metadata"]["name"])
            spec = crd["spec"]
            collections += [f"/apis/{spec['group']}/{v['name']}/{spec['names']['plural']}"
                            for v in spec["versions"] if v.get("served")]
        deadline = time.monotonic() + 20
        for name in names:
            while True:
                _, crd = self.request(
                    "GET", f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}")
                if any(c["type"] == "Established" and c["status"] == "True"
                       for c in (crd.get("status") or {}).get("conditions") or []):
                    break
                if time.monotonic() > deadline:
                    raise LoadError(f"CRD {name} not Established within 20 s")
                time.sleep(0.05)
        for path in collections:
            while (answer := self.request("GET", path))[0] != 200:
                if time.monotonic() > deadline:
                    raise LoadError(f"GET {path}: {answer[0]} {_message(answer[1])}")
                time.sleep(0.05)

    def load(self, objects: list[Obj]) -> list[str]:
        """Create a dump's objects as a cluster would have made them; returns one line per
        object the server refused ("Kind ns/name: POST: 422 ...: message"), empty when all
        went in. A dump is a record of a cluster, not a request to one: what the server owns
        is taken out (uid, resourceVersion, creationTimestamp, managedFields), what links
        objects is rewritten to this server's uids, what belongs to the dump's network (node
        addresses, another service range) is replaced (see _for_create)."""
        problems: list[str] = []
        # Admission refuses a pod whose service account does not exist, and no
        # controller-manager makes `default`; a dump of some kinds seldom holds them all.
        wanted = {(o["metadata"]["namespace"], "default") for o in objects
                  if o["metadata"].get("namespace")}
        wanted |= {(o["metadata"]["namespace"], o["spec"].get("serviceAccountName") or "default")
                   for o in objects if o["kind"] == "Pod"}
        wanted -= {(o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects
                   if o["kind"] == "ServiceAccount"}
        accounts = [{"apiVersion": "v1", "kind": "ServiceAccount",
                     "metadata": {"name": name, "namespace": ns}} for ns, name in sorted(wanted)]
        uids: dict[str, str] = {}  # the dump's uid -> the server's
        for obj in _ordered(objects + accounts):
            problem = self._create(obj, uids)
            if problem:
                problems.append(problem)
        return problems

    def _create(self, obj: Obj, uids: dict[str, str]) -> str | None:
        kind, meta = obj["kind"], obj["metadata"]
        res = by_kind(obj["apiVersion"], obj["kind"])
        name = f"{kind} {meta.get('namespace') + '/' if meta.get('namespace') else ''}" \
               f"{meta['name']}"
        if res is None:
            return f"{name}: kubetriage's resource table does not know {obj['apiVersion']}"
        old_uid = meta.get("uid")
        body = _for_create(obj, uids)
        status = body.pop("status", None)
        code, answer = self.request("POST", res.path(meta.get("namespace")), body)
        if code == 409 and kind == "Namespace":
            code, answer = self.request("GET", res.path(None, meta["name"]))
        if code >= 300:
            return f"{name}: POST: {code} {_message(answer)}"
        if old_uid:
            uids[old_uid] = answer["metadata"]["uid"]
        if status and "status" in res.subresources:
            code, answer = self.request("PATCH", f"{res.path(meta.get('namespace'), meta['name'])}"
                                        "/status", {"status": status},
                                        "application/merge-patch+json")
            if code >= 300:
                return f"{name}: PATCH /status: {code} {_message(answer)}"
        return None

    # -- RBAC for the restricted users ---------------------------------------------------------

    def grant_reader(self, user: str, namespace: str, *, list_namespaces: bool = False) -> None:
        """An explicit Role (the built-in view role is empty without a controller-manager to
        aggregate it): get, list and watch pods and events in one namespace, and read logs
        there; with list_namespaces, a ClusterRole to list and watch namespaces too."""
        rbac = "/apis/rbac.authorization.k8s.io/v1"
        subject = [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]
        objects = [
            (f"{rbac}/namespaces/{namespace}/roles", {
                "kind": "Role", "metadata": {"name": f"{user}-pods-and-events"},
                "rules": [{"apiGroups": [""], "resources": ["pods", "events"],
                           "verbs": ["get", "list", "watch"]},
                          {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}]}),
            (f"{rbac}/namespaces/{namespace}/rolebindings", {
                "kind": "RoleBinding", "metadata": {"name": f"{user}-pods-and-events"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                            "name": f"{user}-pods-and-events"}, "subjects": subject})]
        if list_namespaces:
            objects += [
                (f"{rbac}/clusterroles", {
                    "kind": "ClusterRole", "metadata": {"name": f"{user}-namespaces"},
                    "rules": [{"apiGroups": [""], "resources": ["namespaces"],
                               "verbs": ["get", "list", "watch"]}]}),
                (f"{rbac}/clusterrolebindings", {
                    "kind": "ClusterRoleBinding", "metadata": {"name": f"{user}-namespaces"},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                "name": f"{user}-namespaces"}, "subjects": subject})]
        for path, obj in objects:
            code, answer = self.request("POST", path, {
                "apiVersion": "rbac.authorization.k8s.io/v1", **obj})
            if code >= 300:
                raise LoadError(f"{obj['kind']} {obj['metadata']['name']}: {code} "
                                f"{_message(answer)}")


# -- how a dump's object becomes a create request ----------------------------------------------

_SERVER_OWNED = ("uid", "resourceVersion", "creationTimestamp", "managedFields", "generation",
                 "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds")


def _for_create(obj: Obj, uids: dict[str, str]) -> Obj:
    body = copy.deepcopy(obj)
    meta = body["metadata"]
    for key in _SERVER_OWNED:
        meta.pop(key, None)
    for ref in meta.get("ownerReferences") or []:
        ref["uid"] = uids.get(ref.get("uid"), ref.get("uid"))
    kind = body["kind"]
    if kind == "Event":
        involved = body.get("involvedObject") or {}
        if involved.get("uid"):
            involved["uid"] = uids.get(involved["uid"], involved["uid"])
    elif kind == "Endpoints":
        for subset in body.get("subsets") or []:
            for addr in (subset.get("addresses") or []) + (subset.get("notReadyAddresses") or []):
                ref = addr.get("targetRef") or {}
                if ref.get("uid"):
                    ref["uid"] = uids.get(ref["uid"], ref["uid"])
    elif kind == "Node":
        # pods/log is proxied to the node's address: never to the dump's private network
        status = body.get("status") or {}
        status["addresses"] = [{"type": "InternalIP", "address": "127.0.0.1"},
                               {"type": "Hostname", "address": meta["name"]}]
    elif kind == "Service":
        spec = body.get("spec") or {}
        if any(ip != "None" and ipaddress.ip_address(ip) not in SERVICE_CIDR
               for ip in spec.get("clusterIPs") or [spec.get("clusterIP") or "None"]):
            # another cluster's service range (k3s 10.43/16, GKE 34.118/...): let the server
            # allocate; headless ("None") stays headless
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
    elif kind == "Job":
        selector = json.dumps((body.get("spec") or {}).get("selector") or {})
        if "controller-uid" in selector:
            # the recorded selector names the old Job's uid: only a manual one may say so
            body["spec"]["manualSelector"] = True
    return body


def _ordered(objects: list[Obj]) -> list[Obj]:
    """FIRST kinds first, LAST kinds last, and every owner before what it owns (by the dump's
    uids) so that ownerReferences can be rewritten to the uids the server gives."""
    rank = {kind: i for i, kind in enumerate(FIRST)}
    by_uid = {o["metadata"].get("uid"): o for o in objects if o["metadata"].get("uid")}
    out: list[Obj] = []
    placed: set[int] = set()

    def place(obj: Obj, seen: tuple[int, ...] = ()) -> None:
        if id(obj) in placed or id(obj) in seen:
            return
        for ref in obj["metadata"].get("ownerReferences") or []:
            owner = by_uid.get(ref.get("uid"))
            if owner is not None:
                place(owner, (*seen, id(obj)))
        placed.add(id(obj))
        out.append(obj)

    for obj in sorted(objects, key=lambda o: (o["kind"] in LAST,
                                              rank.get(o["kind"], len(FIRST)))):
        place(obj)
    return out


def _message(answer: Any) -> str:
    if isinstance(answer, dict):
        return f"{answer.get('reason', '')}: {answer.get('message', '')}".strip(": ")
    return str(answer)[:300]


# Kinds kubetriage reads whose CRDs came after shared/crds was laid (/work/notes/13-crds): the real
# server serves them only once their CRD files are there, and a cluster without them is normal.
LATER_KINDS = ("Bucket", "Certificate", "CertificateRequest", "Issuer", "ClusterIssuer")


def kinds_not_served(crds: Path) -> set[str]:
    """Those of LATER_KINDS whose CRD is not in the folder the real server is loaded from."""
    import yaml
    served = {doc["spec"]["names"]["kind"] for path in crds.glob("*.yaml")
              for doc in yaml.safe_load_all(path.read_text())
              if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"}
    return set(LATER_KINDS) - served
