"""KT-204: a container that cannot be created from its configuration (CreateContainerConfigError).

The kubelet's message says why: a Secret, ConfigMap or key that does not exist, or a security
policy the container breaks (runAsNonRoot with an image or runAsUser that is root, the classic
sidecar-injection conflict). A missing Secret is linked to an unsynced SealedSecret of that name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import event_line, events, kubectl, ref, str_at, waiting
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-204", title="Container configuration error", severity="error",
              kinds=("Pod", "Event"), doc=__doc__)

_MISSING = re.compile(r'(secret|configmap) "([^"]+)" not found', re.I)
_KEY = re.compile(r"couldn't find key (\S+) in (Secret|ConfigMap) ([^/\s]+)/(\S+)", re.I)
_NONROOT = re.compile(r"runAsUser breaks non-root policy|runAsNonRoot and image will run as root|"
                      r"image has non-numeric user", re.I)


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for pod, status, _, _ in waiting(snap, "CreateContainerConfigError"):
        container = str_at(status, "name")
        message = str_at(status, "state", "waiting", "message")
        said = [e for e in events(snap, pod, "Pod") if str_at(e, "reason") == "Failed"
                and container in str_at(e, "involvedObject", "fieldPath")]
        text = " ".join([message, *(str_at(e, "message") for e in said)])
        facts: dict = {"container": container}
        if (m := _MISSING.search(text)):
            kind = "Secret" if m.group(1).lower() == "secret" else "ConfigMap"
            facts["missing_secret" if kind == "Secret" else "missing_configmap"] = m.group(2)
            why = f"{kind} {m.group(2)} does not exist"
            fix = f"Create the {kind} {m.group(2)} (or fix what should create it)"
        elif (m := _KEY.search(text)):
            why = f"key {m.group(1)} is missing from {m.group(2)} {m.group(3)}/{m.group(4)}"
            fix = f"Add the key {m.group(1)} or fix the reference"
        elif _NONROOT.search(text):
            why = "its user breaks the pod's non-root policy (runAsNonRoot with a root user)"
            fix = ("Give the container a non-root runAsUser, or relax runAsNonRoot for it "
                   "(an injected sidecar brings its own securityContext)")
        else:
            why = "cause unknown beyond the kubelet's message"
            fix = None
        obj = ref(pod, "Pod")
        fixes = [Remediation(title="See the kubelet's message in the pod's events",
                             command=kubectl("describe", obj), action="describe")]
        if fix:
            fixes.insert(0, Remediation(title=fix))
        yield CHECK.finding(obj, f"Container {container} of pod {obj.namespace}/{obj.name} "
                                 f"cannot be created: {why}.",
                            [f"{container}: CreateContainerConfigError: {message}",
                             *(event_line(e) for e in said[:1])], fixes, part=container, **facts)
