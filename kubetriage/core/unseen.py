"""What could not be read, and why: without it, what is absent from a snapshot proves nothing.

The live source fills it (the kinds RBAC or discovery kept from the user, in the server's words,
and the container logs the server would not give); a dump has nothing unseen. The diagnosis lists
it in the report (`unavailable`), and `judgement()` says when what is left is too little to call
a cluster healthy, the rule behind `kubetriage check`'s exit code 3:

- Pods or Events could not be listed in some namespace of the scope (every namespace without
  -n): nearly every failure chain ends in a pod, and most of their evidence is an event;
- or logs of containers that failed or restarted were wanted and not one could be read: the
  causes only a log proves (a crash's reason, a Service a client cannot resolve) are all unknown.

Any other kind, or some of the logs, that could not be read is listed too, and costs only the
findings that depend on it (which say so): it does not make the whole diagnosis a guess.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from kubetriage.core.types import LogRef

ESSENTIAL = ("Pod", "Event")  # the kinds without which check cannot judge (see above)
BRIEF_LOGS = 4  # containers named in a brief line; the full list has every log
_PARTLY = re.compile(r"; showing namespaces (.+?) only")
_KUBELET_URL = re.compile(r'Get "[^"]*": ')  # the proxied URL: one per log, the rest the same


@dataclass(frozen=True)
class Unseen:
    # "Pod" (across all namespaces) or "Pod in shop" (one namespace) -> why, in the server's words
    kinds: Mapping[str, str] = field(default_factory=dict)
    logs: Mapping[LogRef, str] = field(default_factory=dict)  # a log -> why it could not be read

    def __bool__(self) -> bool:
        return bool(self.kinds or self.logs)

    def blind_to(self, kind: str) -> list[str]:
        """Why `kind` could not be read in some namespace (empty when it was read everywhere)."""
        return [why for key, why in self.kinds.items() if key.split(" in ", 1)[0] == kind]

    def log(self, namespace: str, pod: str, container: str, previous: bool) -> str | None:
        return self.logs.get((namespace, pod, container, previous))

    def restricted_to(self, namespace: str) -> Unseen:
        """What `-n namespace` (`:ns`) leaves: the kinds unseen in this namespace, or across
        namespaces unless the source fell back to reading them in this one."""
        def unseen_here(key: str, why: str) -> bool:
            if " in " in key:
                return key.split(" in ", 1)[1] == namespace
            partly = _PARTLY.search(why)
            return not (partly and namespace in partly.group(1).split(", "))
        return Unseen({k: why for k, why in self.kinds.items() if unseen_here(k, why)},
                      {ref: why for ref, why in self.logs.items() if ref[0] == namespace})

    def lines(self) -> list[str]:
        """One line a thing, kinds first: what a report's `unavailable` lists."""
        out = [f"{key}: {why}" for key, why in sorted(self.kinds.items())]
        out += [f"{log_name(ref)} could not be read: {why}"
                for ref, why in sorted(self.logs.items())]
        return out

    def brief(self) -> list[str]:
        """The same for a person at a terminal: kinds grouped by how they could not be read, logs
        by the server's answer less the URL each repeats. The full lines have the exact words."""
        kinds: dict[str, list[str]] = defaultdict(list)
        for key, why in sorted(self.kinds.items()):
            kind, _, namespace = key.partition(" in ")
            if "forbidden" not in why:
                kinds[why].append(kind)  # discovery failed, never listed: short and particular
            elif partly := _PARTLY.search(why):
                kinds[f"forbidden across all namespaces, read in {partly.group(1)} only"].append(kind)
            else:
                kinds[f"forbidden in namespace {namespace}" if namespace else "forbidden"].append(kind)
        out = [f"{how}: {', '.join(names)}" for how, names in kinds.items()]
        logs: dict[str, dict[tuple[str, str, str], list[str]]] = defaultdict(dict)
        for (namespace, pod, container, previous), why in sorted(self.logs.items()):
            logs[_KUBELET_URL.sub("", why)].setdefault((namespace, pod, container), []).append(
                "previous" if previous else "current")
        for why, containers in logs.items():
            named = [f"{ns}/{pod} {c} ({' and '.join(which)})"
                     for (ns, pod, c), which in list(containers.items())[:BRIEF_LOGS]]
            more = len(containers) - BRIEF_LOGS
            out.append(f"logs of {len(containers)} container{'s' if len(containers) != 1 else ''}"
                       f" that failed or restarted ({why}): {', '.join(named)}"
                       + (f" and {more} more" if more > 0 else ""))
        return out

    def judgement(self, logs_read: int) -> str | None:
        """Why what could be read is not enough to judge (None when it is); logs_read: how many
        logs of containers that failed or restarted the server did give."""
        for kind in ESSENTIAL:
            why = self.blind_to(kind)
            if why:
                return f"{kind}s could not be read: {why[0]}"
        if self.logs and not logs_read:
            n, why = len(self.logs), _KUBELET_URL.sub("", next(iter(self.logs.values())))
            return f"not one of the {n} log{'s' if n != 1 else ''} of containers that failed or " \
                   f"restarted could be read: {why}"
        return None


def log_name(ref: LogRef) -> str:
    """`the previous log of Pod shop/web-1 container app`: how a report names one log."""
    namespace, pod, container, previous = ref
    return f"the {'previous' if previous else 'current'} log of Pod {namespace}/{pod} " \
           f"container {container}"
