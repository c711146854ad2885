"""Each issue-13 incident scenario's diagnosis: the root an SRE names, the members it breaks and
the verbatim line that proves it (the scenarios are built from public issues' lines; their
timeline.yaml headers cite them). Like tests/test_chains_seeds.py for the seeds."""

from __future__ import annotations

from tests.test_chains_seeds import chain_rooted, names, report_of


def first_root(report):
    by_id = {f.id: f for f in report.findings}
    return by_id[report.chains[0].root]


def fixes(finding) -> str:
    return " ".join(f"{r.title} {r.command or ''}" for r in finding.remediations)


def test_flux_sources_one_root_per_source():
    report = report_of("flux-sources")
    roots = {(by.check, by.object.kind, by.object.name) for by in
             ({f.id: f for f in report.findings}[c.root] for c in report.chains)}
    assert roots == {("KT-105", "GitRepository", "homelab-apps"),
                     ("KT-105", "HelmRepository", "renovate"),
                     ("KT-106", "HelmChart", "vela-system-vela-prism"),
                     ("KT-105", "OCIRepository", "podinfo")}


def test_flux_sources_rejected_deploy_key_breaks_the_kustomizations():
    root, members = chain_rooted(report_of("flux-sources"), "KT-105", "GitRepository",
                                 "homelab-apps")
    assert names(members, "Kustomization") == {"apps", "apps-config"}
    assert any("ssh: unable to authenticate, attempted methods [none publickey]" in line
               for line in root.evidence)
    assert "deploy key" in fixes(root) and "--with-source" not in fixes(root)


def test_flux_sources_helm_index_404_breaks_both_releases_through_their_charts():
    root, members = chain_rooted(report_of("flux-sources"), "KT-105", "HelmRepository",
                                 "renovate")
    assert names(members, "HelmRelease") == {"renovate", "renovate-gitea"}
    assert names(members, "HelmChart") == {"tools-renovate", "tools-renovate-gitea"}
    assert any("index.yaml : 404 Not Found" in line for line in root.evidence)
    assert "spec.url" in fixes(root)


def test_flux_sources_missing_chart_version_is_the_releases_to_fix():
    root, members = chain_rooted(report_of("flux-sources"), "KT-106", "HelmChart", "vela-prism")
    assert names(members, "HelmRelease") == {"vela-prism"}
    assert any("no 'vela-prism' chart with version matching '0.1.0' found" in line
               for line in root.evidence)
    assert "spec.chart.spec.version" in fixes(root)


def test_flux_sources_unknown_oci_tag():
    root, members = chain_rooted(report_of("flux-sources"), "KT-105", "OCIRepository", "podinfo")
    assert names(members, "HelmRelease") == {"podinfo"}
    assert any("MANIFEST_UNKNOWN: manifest unknown" in line for line in root.evidence)


def test_stateful_tools_claims_and_certificate_are_the_roots():
    report = report_of("stateful-tools")
    root, members = chain_rooted(report, "KT-701", "PersistentVolumeClaim", "hub-db-dir")
    assert names(members, "HelmRelease") == {"jhub"} and names(members, "Pod")
    assert any("no storage class is set" in line for line in root.evidence)
    root, members = chain_rooted(report, "KT-701", "PersistentVolumeClaim", "prometheus-data")
    assert names(members, "HelmRelease") == {"prometheus"}
    assert any('storageclass.storage.k8s.io "standard" not found' in line
               for line in root.evidence)
    root, members = chain_rooted(report, "KT-303", "Certificate", "grafana-tls")
    assert any(f.check == "KT-205" for f in members)
    assert any('Referenced "Issuer" not found' in line for line in root.evidence)
    assert "issuerRef.kind: ClusterIssuer" in fixes(root)
    # a claim waiting for its first consumer and a Certificate up to date are not findings
    assert not {f.object.name for f in report.findings} & {"scratch", "wiki-tls", "wiki-data"}


def test_quota_and_limits_roots_are_the_quotas():
    report = report_of("quota-and-limits")
    root, members = chain_rooted(report, "KT-503", "ResourceQuota", "namespace-quota")
    assert first_root(report).id == root.id
    assert names(members, "HelmRelease") == {"allocation-manager"}
    assert any("exceeded quota: namespace-quota" in line and "(x124)" in line
               for line in root.evidence)
    assert "kubectl edit resourcequota namespace-quota" in fixes(root)
    root, _ = chain_rooted(report, "KT-503", "LimitRange", "mem-limits")
    assert any("maximum memory usage per Container is 4Gi, but limit is 8Gi" in line
               for line in root.evidence)
    root, _ = chain_rooted(report, "KT-503", "ResourceQuota", "fpl-quota")
    assert any("must specify requests.cpu,requests.memory" in line for line in root.evidence)
    assert not [f for f in report.findings if f.object.name == "tools-quota"]


def test_homelab_node_pressure_one_root_per_node():
    report = report_of("homelab-node-pressure")
    root, members = chain_rooted(report, "KT-702", "Node", "control-1")
    assert any(f.check == "KT-206" and "fileflows" in f.object.name for f in members)
    assert any("The node was low on resource: ephemeral-storage." in line
               for line in root.evidence)
    root, members = chain_rooted(report, "KT-702", "Node", "worker-2")
    assert names(members, "Service") == {"kube-dns"}
    assert any("Kubelet stopped posting node status." in line for line in root.evidence)
    assert len(report.chains) == 2


def test_init_and_crashes_read_the_cause_from_each_log():
    report = report_of("init-and-crashes")
    root, members = chain_rooted(report, "KT-402", "Service", "redis-cart")
    assert any(f.check == "KT-209" for f in members)
    root, members = chain_rooted(report, "KT-201", "Pod", "flagsmith-api")
    assert names(members, "Kustomization") == {"flagsmith", "flagsmith-config"}
    assert any("InconsistentMigrationHistory" in line for line in root.evidence)
    root, _ = chain_rooted(report, "KT-402", "Service", "kube-dns")
    assert "rke2-coredns-rke2-coredns" in root.summary
    summaries = {f.object.name.split("-")[0]: f.summary for f in report.findings}
    assert "panics: runtime error: invalid memory address" in summaries["stork"]
    assert "reason read from the log: \"Error: Cannot find module '/build/main.js'\"" in \
        summaries["wekan"]
    assert "exec format error); node rke2-agent-arm-1 is arm64" in summaries["onepassword"]
    assert "Failed to configure a DataSource" in summaries["kube"]
    assert "cause unknown" not in " ".join(summaries.values())


def test_netpol_egress_one_policy_root_for_both_pods():
    report = report_of("netpol-egress")
    root, members = chain_rooted(report, "KT-404", "NetworkPolicy", "allow-same-namespace")
    assert names(members, "Pod") >= {"nextcloud-db-1"} and len(names(members, "Pod")) == 2
    assert any("dial tcp 10.43.0.1:443: i/o timeout" in line for line in root.evidence)
    assert "kube-dns" in fixes(root) and "6443" in fixes(root)
    assert not [f for f in report.findings if f.object.namespace == "vault"]
    assert len(report.chains) == 1


def test_cni_sandbox_one_root_for_the_nodes_plugin():
    report = report_of("cni-sandbox")
    root, _ = chain_rooted(report, "KT-211", "Node", "worker-1")
    assert "The network plugin calico on node worker-1 cannot set up pod networks: error getting " \
           "ClusterInformation" in root.summary and "3 pods in 2 namespaces" in root.summary
    assert any('plugin type="calico" failed (add)' in line for line in root.evidence)
    # the same workloads' pods on control-1 run: nothing about them, nor about calico-node
    assert {k[2].split("-")[0] for k in root.facts["breaks"]} == {"coredns", "storefront",
                                                                   "order"}
    assert "--field-selector spec.nodeName=worker-1" in fixes(root)
    assert len(report.chains) == 1


def test_upgrade_day_refusals_each_with_its_root():
    report = report_of("upgrade-day")
    # the crash-looping controller -> its admission Service -> the release its webhook blocks
    root, members = chain_rooted(report, "KT-201", "Pod", "ingress-nginx-controller-")
    assert names(members, "HelmRelease") == {"dashboard"}
    assert names(members, "Service") == {"ingress-nginx-controller-admission"}
    assert any("port 80 is already in use" in line for line in root.evidence)
    root, _ = chain_rooted(report, "KT-101", "HelmRelease", "cert-manager")
    assert "meta.helm.sh/release-name=cert-manager" in fixes(root)
    root, _ = chain_rooted(report, "KT-405", "Ingress", "storefront")
    assert "Services in shop: frontend" in root.evidence
    root, _ = chain_rooted(report, "KT-504", "Deployment", "cloudflare-operator-controller-manager")
    assert "restricted:latest" in root.summary
    root, _ = chain_rooted(report, "KT-703", "Namespace", "kusk-system")
    assert "gateway.kusk.io/finalizer" in root.summary
    assert len(report.chains) == 5


def test_healthy_has_no_new_check_firing():
    report = report_of("healthy")
    new = {"KT-105", "KT-106", "KT-209", "KT-210", "KT-211", "KT-303", "KT-404", "KT-503", "KT-504",
           "KT-405", "KT-703",
           "KT-701", "KT-702"}
    assert not [f.id for f in report.findings if f.check in new]
