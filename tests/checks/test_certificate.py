from kubetriage.checks import certificate
from tests.checks.conftest import pod, run

NOT_FOUND = 'Referenced "Issuer" not found: issuer.cert-manager.io "letsencrypt-prod" not found'
ISSUING = "Issuing certificate as Secret does not exist"


def cm(kind, name, ns="grafana", *, spec=None, ready="True", reason="", message="", owner=None):
    meta = {"name": name, "uid": f"uid-{kind}-{name}"}
    if ns:
        meta["namespace"] = ns
    if owner:
        meta["ownerReferences"] = [{"kind": "Certificate", "name": owner,
                                    "uid": f"uid-Certificate-{owner}", "controller": True}]
    return {"apiVersion": "cert-manager.io/v1", "kind": kind, "metadata": meta,
            "spec": spec or {}, "status": {"conditions": [
                {"type": "Ready", "status": ready, "reason": reason, "message": message}]}}


def grafana(issuer_kind=None):
    ref = {"name": "letsencrypt-prod", **({"kind": issuer_kind} if issuer_kind else {})}
    cert = cm("Certificate", "grafana-tls", spec={"secretName": "grafana-tls", "issuerRef": ref},
              ready="False", reason="DoesNotExist", message=ISSUING)
    request = cm("CertificateRequest", "grafana-tls-1", ready="False", reason="Pending",
                 message=NOT_FOUND, owner="grafana-tls", spec={"issuerRef": ref})
    issuer = cm("ClusterIssuer", "letsencrypt-prod", None)
    p = pod("grafana-7c9d5", "grafana", phase="Pending")
    p["spec"]["volumes"] = [{"name": "tls", "secret": {"secretName": "grafana-tls"}}]
    ingress = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "metadata": {"name": "grafana", "namespace": "grafana"},
               "spec": {"tls": [{"hosts": ["grafana.example.org"], "secretName": "grafana-tls"}]}}
    secret = {"apiVersion": "v1", "kind": "Secret",
              "metadata": {"name": "other", "namespace": "grafana"}}
    return cert, request, issuer, p, ingress, secret


def test_fires_when_a_cluster_issuer_is_named_without_its_kind():
    [f] = run(certificate, *grafana())
    assert f.id == "KT-303/Certificate/grafana/grafana-tls"
    assert f.summary == ("Certificate grafana/grafana-tls cannot be issued: its issuerRef names "
                         "Issuer letsencrypt-prod (kind defaults to Issuer), which does not exist "
                         "in grafana; a ClusterIssuer letsencrypt-prod does; Secret grafana-tls "
                         "is never written, which 1 pod and 1 ingress need.")
    assert f.evidence[0] == f"CertificateRequest grafana-tls-1: Ready=False Pending: {NOT_FOUND}"
    assert "issuerRef.kind: ClusterIssuer" in f.remediations[0].title
    assert f.remediations[1].command == "cmctl renew grafana-tls -n grafana"
    assert ("Pod", "grafana", "grafana-7c9d5") in f.facts["breaks"]


def test_silent_while_cert_manager_is_just_starting_to_issue():
    cert, _request, issuer, *_ = grafana(issuer_kind="ClusterIssuer")
    assert run(certificate, cert, issuer) == []


def test_silent_when_ready():
    cert = cm("Certificate", "ok", spec={"secretName": "ok", "issuerRef": {"name": "x"}})
    assert run(certificate, cert) == []


# cert-manager/cert-manager#3325 (the Certificate) and #3332 (an order left pending while its
# HTTP-01 challenge answers 404)
ORDER = ('Waiting on certificate issuance from order example/staging-example-com-7x2lp-2587356207:'
         ' "pending"')


def pending_order(minutes: float):
    from datetime import UTC, datetime, timedelta
    since = (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ref = {"kind": "Issuer", "name": "example-issuer-staging"}
    cert = cm("Certificate", "staging-example-com", "example", ready="False",
              reason="MissingData", message="Issuing certificate as Secret does not contain a "
              "certificate", spec={"secretName": "staging-example-com-tls", "issuerRef": ref})
    request = cm("CertificateRequest", "staging-example-com-7x2lp", "example", ready="False",
                 reason="Pending", message=ORDER, owner="staging-example-com",
                 spec={"issuerRef": ref})
    request["status"]["conditions"][0]["lastTransitionTime"] = since
    issuer = cm("Issuer", "example-issuer-staging", "example")
    return cert, request, issuer


def test_fires_when_an_acme_order_stays_pending_and_points_at_its_challenge():
    [f] = run(certificate, *pending_order(minutes=45))
    assert f.summary.startswith(
        "Certificate example/staging-example-com cannot be issued: its ACME order "
        "staging-example-com-7x2lp-2587356207 has been pending for 45m: a challenge does not "
        "pass")
    assert f.evidence[0] == f"CertificateRequest staging-example-com-7x2lp: Ready=False Pending: " \
                            f"{ORDER}"
    assert f.remediations[0].command == "kubectl describe challenges -n example"


def test_silent_while_an_acme_order_is_young():
    assert run(certificate, *pending_order(minutes=2)) == []
