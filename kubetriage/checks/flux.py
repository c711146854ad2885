"""How Flux objects name each other: which source a Kustomization or HelmRelease consumes, which
HelmChart stands between a HelmRelease and its HelmRepository, and who consumes a source.

From the specs only (`sourceRef`, `chartRef`, `chart.spec.sourceRef`) and the HelmChart name
helm-controller gives (`<release namespace>-<release name>` in the source's namespace, also in
`status.helmChart`): never from names looking alike.
"""

from __future__ import annotations

from collections import defaultdict

from kubetriage.checks.objects import condition, mapping, name, namespace, str_at
from kubetriage.core.snapshot import Key, Snapshot

SOURCE_KINDS = ("GitRepository", "OCIRepository", "HelmRepository", "Bucket")
# what `flux reconcile source <x>` calls each kind
RECONCILE_WORD = {"GitRepository": "git", "OCIRepository": "oci", "HelmRepository": "helm",
                  "Bucket": "bucket", "HelmChart": "chart"}


def _ref(ref: dict, default_ns: str | None, default_kind: str = "") -> Key | None:
    kind, ref_name = str_at(ref, "kind") or default_kind, str_at(ref, "name")
    if not kind or not ref_name:
        return None
    return kind, str_at(ref, "namespace") or default_ns, ref_name


def kustomization_source(ks: dict) -> Key | None:
    return _ref(mapping(ks, "spec", "sourceRef"), namespace(ks))


def helmrelease_chart(hr: dict) -> Key | None:
    """The object helm-controller reads the chart from: the chartRef (an OCIRepository or a
    HelmChart), else the HelmChart it makes from spec.chart."""
    chart_ref = mapping(hr, "spec", "chartRef")
    if chart_ref:
        return _ref(chart_ref, namespace(hr))
    source = _ref(mapping(hr, "spec", "chart", "spec", "sourceRef"), namespace(hr))
    if source is None:
        return None
    stated = str_at(hr, "status", "helmChart")
    if "/" in stated:
        ns, _, chart = stated.partition("/")
        return "HelmChart", ns, chart
    return "HelmChart", source[1], f"{namespace(hr)}-{name(hr)}"


def helmrelease_sources(hr: dict) -> list[Key]:
    """The chart object and, through a HelmChart, its source: everything the release waits on."""
    chart = helmrelease_chart(hr)
    if chart is None:
        return []
    found = [chart]
    source = _ref(mapping(hr, "spec", "chart", "spec", "sourceRef"), namespace(hr))
    if chart[0] == "HelmChart" and source is not None:
        found.append(source)
    return found


def helmchart_source(hc: dict) -> Key | None:
    return _ref(mapping(hc, "spec", "sourceRef"), namespace(hc))


def consumers(snap: Snapshot) -> dict[Key, list[Key]]:
    """source or HelmChart -> the Kustomizations, HelmCharts and HelmReleases that read it."""
    def build(snap: Snapshot) -> dict[Key, list[Key]]:
        out: dict[Key, list[Key]] = defaultdict(list)
        for ks in snap.of_kind("Kustomization"):
            if (src := kustomization_source(ks)):
                out[src].append(("Kustomization", namespace(ks), name(ks)))
        for hc in snap.of_kind("HelmChart"):
            if (src := helmchart_source(hc)):
                out[src].append(("HelmChart", namespace(hc), name(hc)))
        for hr in snap.of_kind("HelmRelease"):
            for src in helmrelease_sources(hr):
                out[src].append(("HelmRelease", namespace(hr), name(hr)))
        return dict(out)
    return snap.derived("flux-consumers", build)


def has_artifact(obj: dict) -> bool:
    return bool(mapping(obj, "status", "artifact"))


def ready_message(obj: dict) -> str:
    return str_at(condition(obj, "Ready"), "message")


def shown(key: Key) -> str:
    kind, ns, obj_name = key
    return f"{kind} {ns}/{obj_name}" if ns else f"{kind} {obj_name}"
