"""Who may do what on the embedded server: everything, unless a rule denies it; or, with an
allow list, only what a rule of it allows (as a real Role grants), less what a deny rule denies.

The same rules answer SelfSubjectAccessReviews and guard the requests themselves, so a restricted
user sees consistent answers (`kubectl auth can-i` says no exactly where a request gets 403).
"""

from __future__ import annotations

from dataclasses import dataclass, field

USER = "kubetriage"


@dataclass(frozen=True)
class Rule:
    verbs: tuple[str, ...] = ("*",)
    resources: tuple[str, ...] = ("*",)  # plurals, or "pods/log" for a subresource
    namespaces: tuple[str, ...] = ("*",)  # "" is the cluster scope (all namespaces)
    group: str = "*"

    def matches(self, verb: str, group: str, resource: str, namespace: str) -> bool:
        return (("*" in self.verbs or verb in self.verbs)
                and (self.group == "*" or self.group == group)
                and ("*" in self.resources or resource in self.resources)
                and ("*" in self.namespaces or namespace in self.namespaces))


Deny = Rule  # how a deny list reads
Allow = Rule


@dataclass
class Rbac:
    deny: list[Rule] = field(default_factory=list)
    user: str = USER
    allow: list[Rule] | None = None  # None: everything; [] nothing (a user with no RoleBinding)

    def allowed(self, verb: str, group: str, resource: str, namespace: str | None,
                *, forbid_cluster_wide: bool = False, namespaced: bool = True) -> bool:
        ns = namespace or ""
        if forbid_cluster_wide and namespaced and not ns and verb in ("list", "watch"):
            return False
        if self.allow is not None and not any(a.matches(verb, group, resource, ns)
                                              for a in self.allow):
            return False
        return not any(d.matches(verb, group, resource, ns) for d in self.deny)
