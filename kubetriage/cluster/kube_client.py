"""The parts of kubernetes-asyncio the connection uses (its ApiClient, Configuration, kubeconfig
and in-cluster loaders, exec plugin runner), imported without the ~700 generated model and ~60
API classes its packages import with them: ~35 MB of every process's memory (the dashboard's
imports: 97 -> 62 MB) and ~0.2 s before the dashboard's first request, for classes kubetriage
never uses (it reads answers as raw JSON).

The packages' `__init__` modules import everything. Here they are made without being run, so
their submodules import on their own; each runs its own `__init__` the first time anything else
is asked of it (a module `__getattr__`, PEP 562), so code that uses the whole client (`from
kubernetes_asyncio import client; client.CoreV1Api(...)`) still gets all of it. A package
imported already is used as it is.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
from typing import Any

_running = threading.RLock()  # an __init__ may make another package run its own
# the packages whose __init__ imports what the connection does not use, parents first
_UNRUN = ("kubernetes_asyncio", "kubernetes_asyncio.client", "kubernetes_asyncio.client.models")


def _unrun(name: str) -> None:
    """The package `name` in sys.modules, its __init__ not run until something asks for more."""
    if name in sys.modules:
        return
    parent, _, leaf = name.rpartition(".")
    spec = importlib.machinery.PathFinder.find_spec(
        name, sys.modules[parent].__path__ if parent else None)
    if spec is None or spec.loader is None:
        return  # not installed: the imports below say so
    module = importlib.util.module_from_spec(spec)
    loader, ran = spec.loader, []

    def run_init(attr: str) -> Any:
        if not attr.startswith("__") and importlib.machinery.PathFinder.find_spec(
                f"{name}.{attr}", module.__path__) is not None:
            return importlib.import_module(f"{name}.{attr}")  # a submodule: on its own
        with _running:  # once; another thread asking meanwhile waits for it
            if not ran:
                ran.append(True)
                loader.exec_module(module)
                del module.__dict__["__getattr__"]
        try:
            return module.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    module.__dict__["__getattr__"] = run_init
    sys.modules[name] = module
    if parent:
        setattr(sys.modules[parent], leaf, module)


for _name in _UNRUN:
    _unrun(_name)

# after the packages above: these import their own modules and nothing else of the client's
from kubernetes_asyncio.client.api_client import ApiClient  # noqa: E402 (after the packages made above)
from kubernetes_asyncio.client.configuration import Configuration  # noqa: E402 (after the packages made above)

_client = sys.modules["kubernetes_asyncio.client"]
for _value in (ApiClient, Configuration):  # what the loaders import from the package itself
    if _value.__name__ not in _client.__dict__:
        setattr(_client, _value.__name__, _value)

from kubernetes_asyncio.config import ConfigException, kube_config  # noqa: E402 (after the packages made above)
from kubernetes_asyncio.config.exec_provider import ExecProvider  # noqa: E402 (after the packages made above)
from kubernetes_asyncio.config.incluster_config import (  # noqa: E402 (after the packages made above)
    SERVICE_CERT_FILENAME,
    SERVICE_HOST_ENV_NAME,
    SERVICE_TOKEN_FILENAME,
    InClusterConfigLoader,
)
from kubernetes_asyncio.config.kube_config import (  # noqa: E402 (after the packages made above)
    ConfigNode,
    KubeConfigLoader,
    KubeConfigMerger,
)

__all__ = ["SERVICE_CERT_FILENAME", "SERVICE_HOST_ENV_NAME", "SERVICE_TOKEN_FILENAME", "ApiClient",
           "ConfigException", "ConfigNode", "Configuration", "ExecProvider",
           "InClusterConfigLoader", "KubeConfigLoader", "KubeConfigMerger", "kube_config"]
