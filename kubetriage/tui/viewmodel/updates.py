"""What a batch of store changes does to the dashboard's panels: per panel, the rows added or
replaced, the rows gone, each row's order key and how the whole row reads. A table takes a
`PanelUpdate` whole (ResourceTable.apply)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Severity = Literal["warning", "error"]


class PlainCell(Protocol):
    """A cell not yet drawn: its text, and the role its style plays ("" = the row's style)."""

    @property
    def plain(self) -> str: ...

    @property
    def style(self) -> str: ...


@dataclass
class PanelUpdate:
    # key -> the row: its cells, or its source (a store object, a folded event) that the table's
    # row builder turns into cells when the row is drawn
    upserts: dict[Hashable, Any] = field(default_factory=dict)
    deletes: set[Hashable] = field(default_factory=set)
    # key -> its order key: the order shown while no column is sorted, the tie-break when one
    # is; rows without one come first in arrival order; order keys compare with each other
    sort_keys: dict[Hashable, tuple] = field(default_factory=dict)
    severities: dict[Hashable, Severity | None] = field(default_factory=dict)  # the whole row
    # the widest text of each column among these rows (0: not measured), for rows given as a
    # source: the table does not build their cells to measure them
    widths: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.upserts or self.deletes or self.sort_keys or self.severities)


@dataclass
class Updates:
    namespaces: PanelUpdate = field(default_factory=PanelUpdate)
    releases: PanelUpdate = field(default_factory=PanelUpdate)
    pods: PanelUpdate = field(default_factory=PanelUpdate)
    events: PanelUpdate = field(default_factory=PanelUpdate)
