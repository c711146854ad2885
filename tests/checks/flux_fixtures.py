"""Fixture Flux sources and consumers, with source-controller's and helm-controller's wording
(the lines are verbatim from the public issues cited in /work/notes/13-incidents.md)."""

from __future__ import annotations

from typing import Any

SSH_REJECTED = ("failed to checkout and determine revision: unable to clone "
                "'ssh://git@github.com/example/homelab-apps': ssh: handshake failed: ssh: unable "
                "to authenticate, attempted methods [none publickey], no supported methods remain")
INDEX_404 = ("failed to fetch Helm repository index: failed to cache index to temporary file: "
             "failed to fetch https://docs.renovatebot.com/helm-charts/index.yaml : 404 Not Found")
NO_VERSION = ("invalid chart reference: failed to get chart version for remote reference: no "
              "'vela-prism' chart with version matching '0.1.0' found")
MANIFEST = ("failed to determine artifact digest: GET https://ghcr.io/v2/stefanprodan/charts/"
            "podinfo/manifests/6.0.0: MANIFEST_UNKNOWN: manifest unknown")


def cond(ready: str, reason: str = "", message: str = "", type_: str = "Ready") -> dict:
    return {"type": type_, "status": ready, "reason": reason, "message": message}


def source(kind: str, name: str, ns: str = "flux-system", *, ready: str = "True",
           reason: str = "Succeeded", message: str = "stored artifact", artifact: bool = True,
           spec: dict | None = None, stalled: dict | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {"conditions": [cond(ready, reason, message)]}
    if stalled:
        status["conditions"].append(stalled)
    if artifact:
        status["artifact"] = {"revision": "sha256:abc", "path": "x.tgz"}
    return {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": kind,
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-{kind}-{name}"},
            "spec": spec or {}, "status": status}


def kustomization(name: str, *, source_name: str = "homelab-apps", ready: str = "True",
                  reason: str = "", message: str = "", depends_on: list | None = None,
                  source_kind: str = "GitRepository") -> dict[str, Any]:
    return {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": name, "namespace": "flux-system", "uid": f"uid-ks-{name}"},
            "spec": {"sourceRef": {"kind": source_kind, "name": source_name},
                     "dependsOn": depends_on or []},
            "status": {"conditions": [cond(ready, reason, message)]}}


def helmrelease(name: str, ns: str, *, chart: str, repo: str, repo_ns: str = "flux-system",
                version: str = "1.0.0", ready: str = "True", reason: str = "",
                message: str = "", chart_ref: dict | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"chartRef": chart_ref} if chart_ref else {"chart": {"spec": {
        "chart": chart, "version": version,
        "sourceRef": {"kind": "HelmRepository", "name": repo, "namespace": repo_ns}}}}
    return {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-hr-{name}"},
            "spec": spec, "status": {"conditions": [cond(ready, reason, message)]}}


def helmchart(name: str, ns: str, *, chart: str, version: str, repo: str, ready: str = "True",
              reason: str = "", message: str = "", stalled: dict | None = None) -> dict:
    hc = source("HelmChart", name, ns, ready=ready, reason=reason, message=message,
                artifact=ready == "True", stalled=stalled,
                spec={"chart": chart, "version": version,
                      "sourceRef": {"kind": "HelmRepository", "name": repo}})
    return hc
