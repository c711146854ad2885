"""API errors as the Kubernetes Status objects a real server answers with."""

from __future__ import annotations

from typing import Any

from kubetriage.core.resources import Resource


def _qualified(res: Resource) -> str:
    return f"{res.plural}.{res.group}" if res.group else res.plural


class StatusError(Exception):
    def __init__(self, code: int, reason: str, message: str,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details

    def status(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {},
                               "status": "Failure", "message": self.message}
        if self.reason:  # a proxied error (the kubelet's) comes without one
            out["reason"] = self.reason
        if self.details is not None:
            out["details"] = self.details
        out["code"] = self.code
        return out

    @staticmethod
    def _details(res: Resource, name: str) -> dict[str, Any]:
        details: dict[str, Any] = {"name": name} if name else {}
        if res.group:
            details["group"] = res.group
        details["kind"] = res.plural
        return details

    @classmethod
    def not_found(cls, res: Resource, name: str) -> StatusError:
        return cls(404, "NotFound", f'{_qualified(res)} "{name}" not found',
                   cls._details(res, name))

    @classmethod
    def already_exists(cls, res: Resource, name: str) -> StatusError:
        return cls(409, "AlreadyExists", f'{_qualified(res)} "{name}" already exists',
                   cls._details(res, name))

    @classmethod
    def conflict(cls, res: Resource, name: str) -> StatusError:
        return cls(409, "Conflict", f'Operation cannot be fulfilled on {_qualified(res)} "{name}": '
                   "the object has been modified; please apply your changes to the latest "
                   "version and try again", cls._details(res, name))

    @classmethod
    def invalid(cls, res: Resource, name: str, cause: str) -> StatusError:
        return cls(422, "Invalid", f'{res.kind} "{name}" is invalid: {cause}',
                   {"name": name, **({"group": res.group} if res.group else {}),
                    "kind": res.kind, "causes": [{"message": cause}]})

    @classmethod
    def unauthorized(cls) -> StatusError:
        return cls(401, "Unauthorized", "Unauthorized")

    @classmethod
    def forbidden(cls, user: str, verb: str, res: Resource, namespace: str | None,
                  name: str = "", subresource: str = "") -> StatusError:
        what = f"{res.plural}/{subresource}" if subresource else res.plural
        target = f'{_qualified(res)} "{name}"' if name else _qualified(res)
        scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
        return cls(403, "Forbidden", f'{target} is forbidden: User "{user}" cannot {verb} '
                   f'resource "{what}" in API group "{res.group}" {scope}',
                   cls._details(res, name))

    @classmethod
    def gone(cls, message: str) -> StatusError:
        return cls(410, "Expired", message)

    @classmethod
    def too_large_resource_version(cls, asked: int, current: int) -> StatusError:
        """The apiserver's storage.NewTooLargeResourceVersionError (a 504 Timeout)."""
        return cls(504, "Timeout", f"Timeout: Too large resource version: {asked}, current: "
                   f"{current}", {"causes": [{"reason": "ResourceVersionTooLarge",
                                              "message": "Too large resource version"}],
                                  "retryAfterSeconds": 1})

    @classmethod
    def bad_request(cls, message: str) -> StatusError:
        return cls(400, "BadRequest", message)

    @classmethod
    def path_not_found(cls) -> StatusError:
        return cls(404, "NotFound", "the server could not find the requested resource", {})

    @classmethod
    def method_not_allowed(cls) -> StatusError:
        return cls(405, "MethodNotAllowed",
                   "the server does not allow this method on the requested resource", {})

    @classmethod
    def unsupported_media_type(cls, content_type: str) -> StatusError:
        return cls(415, "UnsupportedMediaType", f"the body of the request was in an unknown "
                   f"format - accepted media types include: application/json-patch+json, "
                   f"application/merge-patch+json, application/strategic-merge-patch+json "
                   f"(got {content_type!r})")

    @classmethod
    def kubelet_unreachable(cls, node_ip: str, url_path: str) -> StatusError:
        """pods/log on a node whose kubelet does not answer, word for word as kube-apiserver
        v1.36 says it (a 500 without a reason: the error is the proxy's dial)."""
        return cls(500, "", f'Get "https://{node_ip}:10250{url_path}": dial tcp '
                            f'{node_ip}:10250: connect: connection refused')

    @classmethod
    def internal(cls, message: str) -> StatusError:
        return cls(500, "InternalError", f"Internal error occurred: {message}",
                   {"causes": [{"message": message}]})
