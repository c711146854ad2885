"""Shared fixtures. Tests talk to the embedded server over HTTP; nothing here mocks a client."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# beside the checkout: /work/main/../shared, and from a worktree /work/wt/NAME/../../shared
SHARED = next((p / "shared" for p in REPO.parents if (p / "shared" / "crds").is_dir()),
              REPO.parent / "shared")
CRDS = SHARED / "crds"
# a clone outside our machines has no ../shared: what validates against the upstream CRDs skips,
# saying so, as the real kube-apiserver tier does
needs_crds = pytest.mark.skipif(not CRDS.is_dir(), reason=f"no upstream CRDs at {CRDS} (the "
                                "shared folder beside our checkouts): nothing to validate against")


@pytest.fixture(autouse=True)
def kubectl_cache(tmp_path_factory, monkeypatch) -> None:
    """A discovery cache of kubectl's own per test. kubectl keys it by host:port, and a later
    test's server on a reused port, of another version, was taken for the earlier one: the
    machine's version dispatcher then ran kubectl 1.27 against a 1.33 server, or 1.33 against
    1.27 (seen twice in fresh-clone runs, reproduced by two servers on one port)."""
    monkeypatch.setenv("KUBECACHEDIR", str(tmp_path_factory.mktemp("kube-cache")))


@pytest.fixture
def audit_path(tmp_path: Path, monkeypatch) -> Path:
    """Where the actions write their audit log in this test (XDG_STATE_HOME in tmp_path)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "kubetriage" / "audit.log"


@pytest.fixture
def repo() -> Path:
    return REPO


# --- the embedded server: a small scenario built in tmp_path ---------------------------------

TINY_OBJECTS = """\
apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: web, uid: d-1, generation: 1, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: "nginx:1.25"}]}
status: {replicas: 1, readyReplicas: 0}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-abc
  namespace: web
  uid: rs-1
  labels: {app: web}
  annotations: {deployment.kubernetes.io/revision: "1"}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d-1, controller: true}]
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: "nginx:1.25"}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-abc-x1
  namespace: web
  labels: {app: web, tier: front}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: rs-1, controller: true}]
spec: {containers: [{name: app, image: "nginx:1.25"}], nodeName: node-1}
status:
  phase: Running
  containerStatuses:
  - name: app
    image: "nginx:1.25"
    imageID: ""
    ready: false
    restartCount: 3
    started: false
    state: {waiting: {reason: CrashLoopBackOff, message: back-off}}
    lastState: {terminated: {exitCode: 1, reason: Error, startedAt: "2025-10-18T01:00:00Z", finishedAt: "2025-10-18T01:00:01Z"}}
---
apiVersion: v1
kind: Pod
metadata:
  name: pull
  namespace: web
  labels: {app: pull}
spec: {containers: [{name: app, image: "registry.local/app:0.12.0"}], nodeName: node-2}
status:
  phase: Pending
  containerStatuses:
  - {name: app, image: "registry.local/app:0.12.0", imageID: "", ready: false, restartCount: 0, started: false, state: {waiting: {reason: ImagePullBackOff, message: "Back-off pulling image"}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: web, uid: job-1}
spec:
  backoffLimit: 6
  template:
    metadata: {labels: {job-name: migrate}}
    spec: {restartPolicy: Never, containers: [{name: migrate, image: "app:1"}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: migrate-q2x7z
  namespace: web
  labels: {job-name: migrate}
  ownerReferences: [{apiVersion: batch/v1, kind: Job, name: migrate, uid: job-1, controller: true}]
spec: {restartPolicy: Never, containers: [{name: migrate, image: "app:1"}]}
status:
  phase: Failed
  containerStatuses:
  - {name: migrate, image: "app:1", imageID: "", ready: false, restartCount: 0, started: false, state: {terminated: {exitCode: 1, reason: Error, startedAt: "2025-10-18T01:00:00Z", finishedAt: "2025-10-18T01:00:02Z"}}}
---
apiVersion: v1
kind: Event
metadata: {name: web-abc-x1.1, namespace: web}
involvedObject: {apiVersion: v1, kind: Pod, name: web-abc-x1, namespace: web}
reason: BackOff
message: Back-off restarting failed container app
type: Warning
count: 5
firstTimestamp: "2025-10-18T01:00:00Z"
lastTimestamp: "2025-10-18T01:20:00Z"
source: {component: kubelet}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: web}
type: Opaque
data: {password: ZHVtbXk=}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: web, generation: 1, creationTimestamp: "2025-10-17T01:00:00Z"}
spec: {interval: 5m, chart: {spec: {chart: web, sourceRef: {kind: HelmRepository, name: charts}}}}
status:
  conditions: [{type: Ready, status: "False", reason: UpgradeFailed, message: "pre-upgrade hooks failed", lastTransitionTime: "2025-10-18T01:00:00Z"}]
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: held, namespace: web, generation: 1}
spec: {interval: 5m, suspend: true, chart: {spec: {chart: held, sourceRef: {kind: HelmRepository, name: charts}}}}
status:
  conditions: [{type: Ready, status: "False", reason: UpgradeFailed, message: "context deadline exceeded", lastTransitionTime: "2025-10-18T01:00:00Z"}]
"""

# Times are seconds divided by the server's speed; tests run at speed 10 unless they say so.
TINY_TIMELINE = """\
description: a tiny crash-looping web app for the embedded server's tests
recorded_at: "2025-10-18T01:30:00Z"
steps:
  - at: 10
    every: 10
    restart: {namespace: web, pod: web-abc-x1, container: app}
  - at: 5
    every: 5
    log: {namespace: web, pod: web-abc-x1, container: app, lines: ["tick"]}
  - at: 10
    every: 10
    bump_event: {namespace: web, name: web-abc-x1.1}
reconcile:
  web/web:
    unless_exists: {apiVersion: batch/v1, kind: Job, namespace: web, name: blocker}
    steps:
      - at: 1
        patch:
          apiVersion: helm.toolkit.fluxcd.io/v2
          kind: HelmRelease
          namespace: web
          name: web
          merge: {status: {conditions: [{type: Ready, status: "True", reason: UpgradeSucceeded, message: "Helm upgrade succeeded", lastTransitionTime: "2025-10-18T01:00:00Z"}]}}
"""


def write_scenario(root: Path, objects: str = TINY_OBJECTS, timeline: str = TINY_TIMELINE) -> Path:
    """A scenario directory: objects, timeline.yaml and the crash-looping pod's logs."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "objects.yaml").write_text(objects)
    (root / "timeline.yaml").write_text(timeline)
    logs = root / "logs" / "web" / "web-abc-x1"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "app.log").write_text('starting\nhost not found in upstream "backend"\n')
    (logs / "app.previous.log").write_text('booting\nhost not found in upstream "backend"\n')
    return root


@pytest.fixture
def tiny_scenario(tmp_path: Path) -> Path:
    return write_scenario(tmp_path / "tiny")


@pytest.fixture
async def sim(tiny_scenario: Path):
    """The embedded server on the tiny scenario at speed 10, on this test's loop."""
    from kubetriage.sim.server import SimServer
    async with SimServer(str(tiny_scenario), speed=10.0) as server:
        yield server


@pytest.fixture
async def k8s(sim):
    """A kubernetes-asyncio ApiClient for `sim` (raw JSON only: `_preload_content=False`)."""
    from kubernetes_asyncio import client
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        yield api


# --- snapshot tests: SVGs under the top-level snapshots/ -------------------------------------
# pytest-textual-snapshot 1.1 (pinned: this relies on its internals) stores SVGs through syrupy
# beside the tests; its fixture looks the extension class up as a module global when it starts,
# so a subclass swapped in first sends them to snapshots/<test module>/.

@pytest.fixture
def _svgs_in_snapshots_dir(monkeypatch):
    import pytest_textual_snapshot as plugin

    class SnapshotsDirSVG(plugin.SVGImageExtension):
        @classmethod
        def dirname(cls, *, test_location) -> str:
            return str(REPO / "snapshots" / test_location.basename)

    monkeypatch.setattr(plugin, "SVGImageExtension", SnapshotsDirSVG)


@pytest.fixture
def snap_compare(_svgs_in_snapshots_dir, snap_compare):
    return snap_compare
