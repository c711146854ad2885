"""Hostile cluster data, built cheaply, for the hardening tests."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

from kubetriage.core import helm

ZEROS_MEMBER = gzip.compress(bytes(1 << 20), compresslevel=9)  # 1 MiB of zeros in ~1 KB


def gzip_bomb_secret(release: str, namespace: str, version: int, gib: int = 3) -> dict:
    """A helm release Secret whose record unpacks to `gib` GiB of zeros: gzip members (one MiB
    each) concatenated, as a gzip reader must follow them, so it is built at once (5.5 MB)."""
    packed = ZEROS_MEMBER * (gib * 1024)
    return {"apiVersion": "v1", "kind": "Secret", "type": helm.SECRET_TYPE,
            "metadata": {"name": helm.secret_name(release, version), "namespace": namespace,
                         "labels": {"name": release, "owner": "helm", "status": "failed",
                                    "version": str(version)}},
            "data": {"release": base64.b64encode(base64.b64encode(packed)).decode("ascii")}}


# -- a whole hostile cluster -------------------------------------------------------------------

NS = "hostile"
# what no terminal may receive from kubetriage: ESC, BEL, 8-bit CSI, bidi overrides and marks,
# zero-width and BOM characters, line separators
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u200e", "\u200f", "\u061c", "\u200b",
             "\u200d", "\ufeff", "\u2028", "\u2029")
MARKUP = "x[/b]y [link=file:///etc/passwd]click[/link]"  # shown as is, or Rich raised/linked
HOSTILE_TEXT = ("\x1b[2J\x1b[31mred\x1b[0m \x1b]0;PWN\x07 \x9b1m " + MARKUP +
                " \u202egnp.exe\u202c \u200bzero\u200d\ufeff line\u2028two\u2029")
POD_NAMES = {
    "osc": "e\x1b]0;PWN\x07x",  # retitles the terminal and rings its bell
    "bidi": "web\u202etxt.exe",  # reads backwards from the override
    "zero-width": "ad\u200bmin",  # looks like "admin"
    "traversal": "../../escape",  # a path out of the folder a log is saved in
    "markup": "x[/b]y",  # a closing tag without an opening one: MarkupError when parsed
    "plain": "plain-pod",  # valid: it has the 100,000-line log
}
RELEASE = "hostile-release"
LONG_LOG_LINES = 100_000


def _pod(name: str, message: str) -> dict:
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": NS, "labels": {"app": "hostile"},
                     "creationTimestamp": "2025-10-18T00:00:00Z"},
        "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "r.example/app:1"}]},
        "status": {"phase": "Running", "containerStatuses": [{
            "name": "app", "ready": False, "restartCount": 7, "image": "r.example/app:1",
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": message}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                         "message": HOSTILE_TEXT,
                                         "finishedAt": "2025-10-18T00:10:00Z"}}}]}}


def _release(name: str) -> dict:
    return {
        "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": name, "namespace": NS, "generation": 1,
                     "creationTimestamp": "2025-10-18T00:00:00Z"},
        "spec": {"interval": "5m", "chart": {"spec": {"chart": "app", "version": "1.0.0",
                                                      "sourceRef": {"kind": "HelmRepository",
                                                                    "name": "charts"}}}},
        "status": {"conditions": [{"type": "Ready", "status": "False", "reason": "UpgradeFailed",
                                   "message": HOSTILE_TEXT,
                                   "lastTransitionTime": "2025-10-18T00:05:00Z"}]}}


def write_hostile_scenario(root: Path) -> Path:
    """A scenario directory whose every name, message, log and release record is hostile."""
    from datetime import UTC, datetime

    root.mkdir(parents=True, exist_ok=True)
    items: list[dict] = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}]
    for key, name in POD_NAMES.items():
        message = "back-off " + ("A" * 100_000 if key == "plain" else HOSTILE_TEXT)
        items.append(_pod(name, message))
        items.append({"apiVersion": "v1", "kind": "Event", "type": "Warning",
                      "metadata": {"name": f"ev-{key}", "namespace": NS},
                      "involvedObject": {"kind": "Pod", "namespace": NS, "name": name},
                      "reason": "BackOff\x1b[5m", "message": HOSTILE_TEXT, "count": 3,
                      "lastTimestamp": "2025-10-18T00:10:00Z"})
    items += [_release(RELEASE), _release("rel\u200bease")]
    good = helm.release_secret({"name": RELEASE, "namespace": NS, "version": 1,
                                "info": {"status": "deployed", "description": HOSTILE_TEXT,
                                         "last_deployed": "2025-10-17T10:00:00Z"},
                                "chart": {"metadata": {"name": "app\x1b[2J", "version": "1.0.0",
                                                       "appVersion": MARKUP}}},
                               datetime(2025, 10, 17, tzinfo=UTC))
    items += [good, gzip_bomb_secret(RELEASE, NS, 2)]
    (root / "objects.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List",
                                                   "items": items}))
    for key, name in POD_NAMES.items():
        if "/" in name:
            continue  # no file can be named so; its log is asked for and not found
        logs = root / "logs" / NS / name
        logs.mkdir(parents=True)
        if key == "plain":
            lines = (f"{i} \x1b[31m{MARKUP}\x1b[0m" if i % 1000 == 0 else str(i)
                     for i in range(LONG_LOG_LINES))
            (logs / "app.log").write_text("\n".join(lines) + "\n")
        (logs / "app.previous.log").write_text(f"boot\n{HOSTILE_TEXT}\nError: {HOSTILE_TEXT}\n")
    return root
