"""Write kubetriage/scenarios/flux-sources/: a homelab k3s cluster where the Flux sources are the
roots (issue 13, /work/notes/13-incidents.md §1-§4, scenario S1).

Four sources fail, each with the message its issue shows: a GitRepository whose deploy key the
Git host rejects, a HelmRepository whose index answers 404, a HelmChart asking for a chart
version the repository does not publish, an OCIRepository tag that does not exist. Their
consumers (Kustomizations, HelmCharts, HelmReleases) say only that the source is not ready.
Run: .venv/bin/python scripts/make_flux_sources.py
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from incident_kit import (
    bump,
    cluster,
    git_repository,
    helm_chart,
    helm_release,
    helm_repository,
    kustomization,
    oci_repository,
    write,
)
from scenario_objects import Release, container, running, service, workload

SOURCES = """
Sources (verbatim lines; only names, URLs and counts substituted where marked):
- GitRepository homelab-apps: fluxcd/source-controller#652
  https://github.com/fluxcd/source-controller/issues/652 (the clone error; URL substituted),
  condition layout from fluxcd/flux2#4564 https://github.com/fluxcd/flux2/issues/4564.
- Kustomization apps "Source artifact not found, retrying in 30s": composed from
  kustomize-controller's format string (internal/controller/kustomization_controller.go L236);
  the public 2021 wording is fluxcd/flux2#1545 https://github.com/fluxcd/flux2/issues/1545.
- Kustomization apps-config "dependency 'flux-system/apps' is not ready" and the event
  "Dependencies do not meet ready condition, retrying in 30s": fluxcd/flux2#1193
  https://github.com/fluxcd/flux2/issues/1193 (names substituted).
- HelmRepository renovate: renovatebot/helm-charts#3752
  https://github.com/renovatebot/helm-charts/issues/3752; its event count shape from
  temporalio/helm-charts#313 https://github.com/temporalio/helm-charts/issues/313.
- HelmCharts tools-renovate*: "no artifact available for HelmRepository source 'renovate'" is
  composed from source-controller's format (helmchart_controller.go L453-455); the HelmReleases'
  "HelmChart '<ns>/<name>' is not ready: does not have an artifact" from helm-controller's
  isReady (helmrelease_controller.go L872-895), shape public in fluxcd/helm-controller#1252
  https://github.com/fluxcd/helm-controller/issues/1252.
- HelmChart vela-system-vela-prism: kubevela/prism#16 https://github.com/kubevela/prism/issues/16
  (verbatim); the HelmRelease line wraps it in helm-controller's format (composed; the wrapper is
  public in hmcts/cnp-flux-config#45226).
- OCIRepository podinfo: fluxcd/flux2#5329 https://github.com/fluxcd/flux2/issues/5329
  (verbatim); its HelmRelease's "OCIRepository 'default/podinfo' is not ready: does not have an
  artifact" is composed from helm-controller's format.
"""

RECORDED_AT = datetime(2026, 11, 20, 21, 15, tzinfo=UTC)
NODES = [("k3s-cp-1", "192.168.1.30"), ("k3s-w-1", "192.168.1.31"), ("k3s-w-2", "192.168.1.32")]
SSH = ("failed to checkout and determine revision: unable to clone "
       "'ssh://git@github.com/homelab-ops/homelab-apps': ssh: handshake failed: ssh: unable to "
       "authenticate, attempted methods [none publickey], no supported methods remain")
INDEX_404 = ("failed to fetch Helm repository index: failed to cache index to temporary file: "
             "failed to fetch https://docs.renovatebot.com/helm-charts/index.yaml : 404 Not Found")
NO_VERSION = ("invalid chart reference: failed to get chart version for remote reference: no "
              "'vela-prism' chart with version matching '0.1.0' found")
MANIFEST = ("failed to determine artifact digest: GET https://ghcr.io/v2/stefanprodan/charts/"
            "podinfo/manifests/6.0.0: MANIFEST_UNKNOWN: manifest unknown")


def build():
    b = cluster("flux-sources", RECORDED_AT, NODES, ["tools", "vela-system", "media"])
    steps = []
    # 1. the deploy key the Git host rejects: the apps never had an artifact
    git = git_repository(b, "homelab-apps", "ssh://git@github.com/homelab-ops/homelab-apps",
                         secret="homelab-apps-auth", failing=("GitOperationFailed", SSH),
                         since=2 * 3600, artifact=False)
    b.add({"apiVersion": "v1", "kind": "Secret",
           "metadata": b.meta("Secret", "homelab-apps-auth", "flux-system", 40 * 86400.0),
           "type": "Opaque", "data": {
               k: base64.b64encode(v.encode()).decode() for k, v in (
                   ("identity", "dummy-private-key-not-a-real-one"),
                   ("identity.pub", "ssh-ed25519 dummy-public-key homelab-apps"),
                   ("known_hosts", "github.com ssh-ed25519 dummy-host-key"))}})
    ev = b.event(git, "GitOperationFailed", SSH, type_="Warning", count=48, first_ago=2 * 3600,
                 last_ago=40, component="source-controller")
    steps.append(bump(b, ev, 20, 60))
    kustomization(b, "apps", path="./apps", source="homelab-apps",
                  ready=("False", "ArtifactFailed", "Source artifact not found, retrying in 30s"))
    ks = kustomization(b, "apps-config", path="./apps-config", source="homelab-apps",
                       depends_on=["apps"],
                       ready=("False", "DependencyNotReady",
                              "dependency 'flux-system/apps' is not ready"))
    ev = b.event(ks, "DependencyNotReady",
                 "Dependencies do not meet ready condition, retrying in 30s", count=240,
                 first_ago=2 * 3600, last_ago=25, component="kustomize-controller")
    steps.append(bump(b, ev, 10, 30))
    # 2. a Helm repository that moved: its index answers 404 and two releases never install
    repo = helm_repository(b, "renovate", "https://docs.renovatebot.com/helm-charts",
                           failing=("Failed", INDEX_404), artifact=False, since=13 * 60)
    ev = b.event(repo, "Failed", INDEX_404, type_="Warning", count=10, first_ago=13 * 60,
                 last_ago=25, component="source-controller")
    steps.append(bump(b, ev, 30, 80))
    for name in ("renovate", "renovate-gitea"):
        rel = Release(name, "tools", "renovate", "41.1.3", "41.1.3", "renovate")
        helm_chart(b, f"tools-{name}", "flux-system", "renovate", "41.1.3", "renovate",
                   failing=("NoSourceArtifact",
                            "no artifact available for HelmRepository source 'renovate'"))
        helm_release(b, rel, ready=("False", "SourceNotReady",
                                    f"HelmChart 'flux-system/tools-{name}' is not ready: does "
                                    "not have an artifact"), installed=False)
    # 3. a version the repository does not publish; the repository itself is fine
    helm_repository(b, "vela-prism", "https://charts.kubevela.net/addons", ns="vela-system")
    helm_chart(b, "vela-system-vela-prism", "vela-system", "vela-prism", "0.1.0", "vela-prism",
               failing=("InvalidChartReference", NO_VERSION), stalled=True, since=3 * 60 + 15)
    helm_release(b, Release("vela-prism", "vela-system", "vela-prism", "0.1.0", "0.1.0",
                            "vela-prism"),
                 ready=("False", "SourceNotReady",
                        f"HelmChart 'vela-system/vela-system-vela-prism' is not ready: "
                        f"{NO_VERSION}"), repo_ns="vela-system", installed=False)
    # 4. an OCI tag that was never pushed
    oci_repository(b, "podinfo", "default", "oci://ghcr.io/stefanprodan/charts/podinfo", "6.0.0",
                   failing=("OCIArtifactPullFailed", MANIFEST))
    helm_release(b, Release("podinfo", "default", "podinfo", "6.0.0", "6.0.0", "podinfo"),
                 ready=("False", "SourceNotReady",
                        "OCIRepository 'default/podinfo' is not ready: does not have an "
                        "artifact"),
                 chart_ref={"kind": "OCIRepository", "name": "podinfo"}, installed=False)
    # healthy noise: a repository and release that work, with their routine events
    jelly = helm_repository(b, "jellyfin", "https://jellyfin.github.io/jellyfin-helm")
    b.event(jelly, "ArtifactUpToDate", "artifact up-to-date with remote revision: "
            f"'sha256:{b.hexid('index/jellyfin')}'", count=30, first_ago=30 * 3600,
            last_ago=600, component="source-controller")
    rel = Release("jellyfin", "media", "jellyfin", "2.3.0", "10.10.7", "jellyfin")
    helm_chart(b, "media-jellyfin", "flux-system", "jellyfin", "2.3.0", "jellyfin")
    helm_release(b, rel)
    _, pods = workload(b, "Deployment", "media", "jellyfin", release=rel, created=20 * 86400.0,
                       containers=[container("jellyfin", "jellyfin/jellyfin:10.10.7", port=8096,
                                             memory="2Gi")],
                       pods=[{"created": 5 * 86400.0, "statuses": [running(5 * 86400.0 - 30)]}])
    service(b, "media", "jellyfin", selector=rel.selector(), release=rel, created=20 * 86400.0,
            ports=[("http", 8096, "http")], pods=pods)
    return b, steps


def main() -> None:
    b, steps = build()
    write(b, "flux-sources", "make_flux_sources.py",
          "issue 13 S1: homelab k3s where four Flux sources are the roots (a rejected deploy key, "
          "a Helm index answering 404, a chart version never published, an OCI tag that does "
          "not exist) behind the Kustomizations and HelmReleases that only say not ready",
          SOURCES, steps)


if __name__ == "__main__":
    main()
