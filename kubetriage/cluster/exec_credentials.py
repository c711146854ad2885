"""Exec credential plugins (`users[].user.exec` in a kubeconfig) run with a deadline: the
library's runner, replaced where its loader looks it up, so that the first run and every
refresh are bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from kubetriage.cluster.kube_client import ConfigException, ExecProvider, kube_config
from kubetriage.errors import UsageError

# an exec credential plugin that answers nothing in this long is killed: long enough for a
# browser login, short of hanging `check` in CI for ever (kubectl itself waits without end)
EXEC_TIMEOUT_S = 60.0
EXEC_TIMEOUT_ENV = "KUBETRIAGE_EXEC_TIMEOUT"


def exec_timeout(environ: dict[str, str] | os._Environ = os.environ) -> float:
    text = environ.get(EXEC_TIMEOUT_ENV, "")
    try:
        value = float(text) if text else EXEC_TIMEOUT_S
    except ValueError:
        value = -1.0
    if not value > 0:
        raise UsageError(f"{EXEC_TIMEOUT_ENV}={text}: not a number of seconds above 0")
    return value


class BoundedExecProvider(ExecProvider):
    """kubernetes-asyncio's exec credential runner (the same protocol and messages) with a
    deadline: a plugin that answers nothing in time is killed, and the error says so."""

    async def run(self, previous_response: str | None = None) -> Any:
        timeout = exec_timeout()
        info: dict[str, Any] = {"apiVersion": self.api_version, "kind": "ExecCredential",
                                "spec": {"interactive": sys.stdout.isatty()}}
        if previous_response:
            info["spec"]["response"] = previous_response
        self.env["KUBERNETES_EXEC_INFO"] = json.dumps(info)
        proc = await asyncio.create_subprocess_exec(
            *self.args, env=self.env, stdin=None, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        try:
            stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout)
        except TimeoutError:
            raise ConfigException(f"exec: gave no credential within {timeout:g} s and was "
                                  f"stopped (set {EXEC_TIMEOUT_ENV}=SECONDS to wait longer)"
                                  ) from None
        finally:
            if proc.returncode is None:  # timed out, or the caller gave up: never left behind
                proc.kill()
                await proc.wait()
        if proc.returncode != 0:
            msg = f"exec: process returned {proc.returncode}"
            if stderr.strip():
                msg += f". {stderr.strip().decode('utf-8', 'replace')}"
            raise ConfigException(msg)
        try:
            data = json.loads(stdout)
        except ValueError as exc:
            raise ConfigException(f"exec: failed to decode process output: {exc}") from None
        for key in ("apiVersion", "kind", "status"):
            if not isinstance(data, dict) or key not in data:
                raise ConfigException(f"exec: malformed response. missing key '{key}'")
        if data["apiVersion"] != self.api_version:
            raise ConfigException(f"exec: plugin api version {data['apiVersion']} does not "
                                  f"match {self.api_version}")
        return data["status"]


# the library's loader looks its runner up by this name each time it runs a plugin (the first
# time and at every refresh): the one place to give every run a deadline
kube_config.ExecProvider = BoundedExecProvider  # type: ignore[misc]  # deliberate replacement
