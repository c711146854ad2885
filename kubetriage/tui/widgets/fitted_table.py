"""A DataTable whose lines are drawn again once its columns are fitted to rows just added.

Textual measures new rows' cells on the table's next idle pass, and keeps the lines it drew before
that pass (their cache key does not change with the widths): a header drawn between the rows'
arrival and the fit stayed narrow over wide rows until something else redrew it (seen on the
release screen's Helm history under load). The object screens fill their small tables with it.
"""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable


class FittedTable(DataTable):
    async def _on_idle(self, event: events.Idle) -> None:
        fitting = self._require_update_dimensions
        await super()._on_idle(event)
        if fitting:  # widths may have changed: nothing drawn with the old ones is kept
            self._clear_caches()
            self.refresh()
