"""How a screen asks for another screen: a message the app answers (tui/screens/drilldown.py
decides which screen), so that no screen imports another one it merely opens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.message import Message

from kubetriage.core.types import Key

View = Literal["object", "yaml", "verify", "fix", "logs", "previous", "flux", "sources"]


@dataclass
class Open(Message):
    """Open a view: an object's own screen (pod, release; YAML for any other kind), its YAML,
    the reconcile-and-verify walkthrough of a namespace, the fix of a failing release, a
    pod's log (current, or its previous instance's), a Flux object's view (tree, events,
    controller log), or the list of Flux sources."""

    view: View
    key: Key | None = None
    namespace: str | None = None
    reconcile: bool = False
