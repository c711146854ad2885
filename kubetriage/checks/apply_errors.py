"""Why objects could not be applied, in the words of Helm's error (the message helm-controller
writes on a HelmRelease, KT-101) or of the API server refusing a dry run (a Kustomization,
KT-103), with the fix that error calls for:

- `cannot patch "X" with kind Deployment: ... is invalid: spec.selector: ...: field is immutable`
  (or `failed to replace object: ...`): the new chart changes a field that cannot change in place.
  `upgrade.force` replaces objects and fails the same way; the object must be deleted and made
  anew (cozystack/cozystack#3242's verified workaround).
- `KIND "X" in namespace "N" exists and cannot be imported into the current release: invalid
  ownership metadata`: an object the chart makes already exists, made by someone else (kubectl,
  another release). Adopting it means Helm's label and annotations on it (fluxcd/flux2#2059,
  fluxcd/flux2-kustomize-helm-example#111).
- `no matches for kind "K" in version "V"`: in the *new* manifest, the chart uses a kind the
  cluster does not serve (a CRD not installed, or an API this Kubernetes removed); in the
  *current* one, the release deployed before does, and Helm cannot read it to upgrade it
  (helm/helm-mapkubeapis rewrites the release record).

- `failed calling webhook "W": ... Post "https://SVC.NS.svc:443/...": <why>`: an admission
  webhook the API server must ask does not answer. `service "SVC" not found` is a webhook
  configuration left behind by an uninstall (helm/helm#10399); a refused or timed-out call is its
  Service without ready pods (kubernetes/minikube#13799), linked as the cause.

- The chart refusing its values: `execution error at (chart/templates/x.yaml:34:8): <the chart's
  own message>` (a `required` or `fail`: allenporter/flux-local#467), `template: x.yaml:28:15:
  executing ... at <.host>: can't evaluate field host in type interface {}` (a value of the wrong
  shape: fluxcd/helm-controller#282), `values don't meet the specifications of the schema(s)`,
  and a rendered object the API would reject (`error validating data: [ValidationError(...)`:
  fluxcd/helm-controller#453). The values are the fix; `flux debug hr --show-values` shows them.

Patterns start at a quote or a word boundary and the text is bounded, so each stays linear.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from kubetriage.checks.finding import Remediation
from kubetriage.core.text import shorten

TEXT_LIMIT = 16_000  # a release of many objects names them all; evidence shows the start anyway

# `Deployment.apps "name" is invalid: spec.selector: Invalid value: ...: field is immutable`
_INVALID = re.compile(r'\b([A-Z]\w*)(?:\.[\w.]+)? "([^"\s]+)" is invalid: ([\w.\[\]]+): ')
_IMMUTABLE = "field is immutable"
_EXISTS = re.compile(r'\b([A-Z]\w*) "([^"\s]+)" in namespace "([^"\s]*)" exists and cannot be '
                     r"imported into the current release")
# the values Helm asks for: `key "meta.helm.sh/release-name" must equal "x"`, `missing key
# "meta.helm.sh/release-name": must be set to "x"`
_WANTS = re.compile(r'"meta\.helm\.sh/release-(name|namespace)":? must (?:be set to|equal) '
                    r'"([^"\s]*)"')
_WEBHOOK = re.compile(r'failed calling webhook "([^"\s]+)"')
_WEBHOOK_URL = re.compile(r'"https://([a-z0-9-]+)\.([a-z0-9-]+)\.svc\b[^"\s]*": ?')
_NO_SERVICE = re.compile(r'service "([^"\s]+)" not found')
WHY_LIMIT = 120
_EXECUTION = re.compile(r"execution error at \(([^)\s]+)\): ")
_TEMPLATE = re.compile(r'template: ([\w./-]+:\d+:\d+): executing "[^"]*" at <([^>]{1,200})>: ')
_SCHEMA = "values don't meet the specifications of the schema(s)"
_SCHEMA_LINE = re.compile(r"- ([\w.\[\]-]+: [^\n]{1,300})")
_VALIDATION = re.compile(r"ValidationError\(([\w.\[\]]+)\): ([^,\]]{1,300})")
_NO_KIND = re.compile(r'no matches for kind "(\w+)" in version "([^"\s]+)"')
_CURRENT = "current release manifest"


@dataclass
class HelmError:
    what: str  # the summary's clause: what went wrong, as Helm's error states it
    facts: dict = field(default_factory=dict)
    fixes: list[Remediation] = field(default_factory=list)


def read(text: str, namespace: str, release: str, release_namespace: str) -> HelmError | None:
    """The cause Helm's error states for the objects of a release (namespace: where they are);
    None when it states none of these."""
    text = text[:TEXT_LIMIT]
    return (_immutable(text, namespace) or _not_owned(text, release, release_namespace)
            or _kind_not_served(text, release, release_namespace) or webhook(text)
            or _values(text))


def _values(text: str) -> HelmError | None:
    """The chart refusing the values it was given, in its own or Helm's words."""
    if (m := _EXECUTION.search(text)):
        what = f"the chart refuses its values: {_line(text[m.end():])} (at {m.group(1)})"
    elif (m := _TEMPLATE.search(text)):
        what = (f"the chart's template {m.group(1)} fails on <{m.group(2)}>: "
                f"{_line(text[m.end():])} (a value of the wrong shape)")
    elif _SCHEMA in text:
        said = _SCHEMA_LINE.findall(text[text.index(_SCHEMA):])
        what = "its values break the chart's schema" + (f": {'; '.join(said[:3])}" if said else "")
    elif (found := _VALIDATION.findall(text)):
        what = "an object the chart renders is invalid: " + "; ".join(
            f"{where}: {why.strip()}" for where, why in list(dict.fromkeys(found))[:2])
    else:
        return None
    return HelmError(what=what, facts={"values": True}, fixes=[Remediation(
        title="Correct the values it names in the HelmRelease (values or valuesFrom), in Git")])


def _line(text: str) -> str:
    return shorten(text.split("\n", 1)[0].strip(), WHY_LIMIT * 2)


def webhook(text: str) -> HelmError | None:
    """An admission webhook that does not answer the API server (Helm's and a dry run's
    words alike)."""
    text = text[:TEXT_LIMIT]
    m = _WEBHOOK.search(text)
    url = _WEBHOOK_URL.search(text, m.end()) if m else None
    if m is None or url is None:
        return None
    hook, svc, ns = m.group(1), url.group(1), url.group(2)
    if (gone := _NO_SERVICE.search(text, url.end())) and gone.group(1) == svc:
        return HelmError(
            what=f"admission webhook {hook} points at Service {ns}/{svc}, which does not "
                 "exist: a webhook configuration left behind by an uninstall",
            facts={"webhook": hook, "webhook_service": [ns, svc]},
            fixes=[Remediation(
                title=f"Delete the webhook configuration naming {hook} (or reinstall what "
                      "serves it); it stops every object it matches from being made",
                command="kubectl get validatingwebhookconfigurations,"
                        "mutatingwebhookconfigurations")])
    why = shorten(text[url.end():].split("\n", 1)[0].strip(), WHY_LIMIT)
    return HelmError(
        what=f"admission webhook {hook} does not answer ({why}): Service {ns}/{svc} has no pod "
             "that serves it",
        facts={"webhook": hook, "webhook_service": [ns, svc],
               "caused_by": [("Service", ns, svc)]},
        fixes=[Remediation(
            title=f"Bring back the pods behind Service {ns}/{svc} (their own finding says why), "
                  "then retry",
            command=f"kubectl -n {shlex.quote(ns)} get endpoints {shlex.quote(svc)}")])


def _immutable(text: str, namespace: str) -> HelmError | None:
    if _IMMUTABLE not in text:
        return None
    changed = list(dict.fromkeys((m.group(1), m.group(2), m.group(3))
                                 for m in _INVALID.finditer(text)))
    if not changed:
        return None
    kind, name, path = changed[0]
    more = f" (and {len(changed) - 1} more object{'s' if len(changed) > 2 else ''})" \
        if len(changed) > 1 else ""
    fixes = [Remediation(
        title=f"Delete {kind} {name} so the release makes it anew with the new {path} (its pods "
              "go with it: a short outage); upgrade.force fails the same way",
        command=f"kubectl -n {shlex.quote(namespace)} delete {kind.lower()} {shlex.quote(name)}")]
    return HelmError(
        what=f"the new chart changes {path} of {kind} {name}{more}, a field that cannot change "
             "in place (immutable)",
        facts={"immutable": [list(c) for c in changed]}, fixes=fixes)


def _not_owned(text: str, release: str, release_namespace: str) -> HelmError | None:
    m = _EXISTS.search(text)
    if m is None:
        return None
    kind, name, ns = m.groups()
    wants = dict(_WANTS.findall(text))  # as Helm asks for them, where it says
    release, release_namespace = wants.get("name", release), \
        wants.get("namespace", release_namespace)
    where = f"-n {shlex.quote(ns)} " if ns else ""
    target = f"{kind.lower()} {shlex.quote(name)}"
    return HelmError(
        what=f"{kind} {name} already exists, made outside this release (it lacks Helm's "
             "ownership label and annotations), and Helm will not take it over",
        facts={"not_owned": [kind, ns or None, name]},
        fixes=[Remediation(
            title=f"If nothing else manages {kind} {name}, let the release adopt it (else "
                  "delete it, or turn it off in the chart's values)",
            command=f"kubectl {where}label {target} app.kubernetes.io/managed-by=Helm "
                    f"--overwrite && kubectl {where}annotate {target} "
                    f"meta.helm.sh/release-name={shlex.quote(release)} "
                    f"meta.helm.sh/release-namespace={shlex.quote(release_namespace)} "
                    "--overwrite")])


def _kind_not_served(text: str, release: str, release_namespace: str) -> HelmError | None:
    m = _NO_KIND.search(text)
    if m is None:
        return None
    kind, version = m.groups()
    if _CURRENT in text:
        return HelmError(
            what=f"the release deployed before holds {kind} {version}, which this cluster no "
                 "longer serves, so Helm cannot read it to upgrade",
            facts={"kind_not_served": [kind, version], "in": "current"},
            fixes=[Remediation(
                title="Rewrite the release record's removed APIs (the helm-mapkubeapis plugin), "
                      "then retry",
                command=f"helm mapkubeapis {shlex.quote(release)} --namespace "
                        f"{shlex.quote(release_namespace)}")])
    return HelmError(
        what=f"the chart uses {kind} {version}, which this cluster does not serve (its CRD is not "
             "installed, or this Kubernetes removed that API)",
        facts={"kind_not_served": [kind, version], "in": "new"},
        fixes=[Remediation(
            title=f"Install the CRD that serves {kind} {version} first (dependsOn the release "
                  "that installs it), or use a chart version written for this Kubernetes")])
