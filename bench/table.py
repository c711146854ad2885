"""Benchmark of ResourceTable beside Textual's DataTable in the same run, headless at 160x48.

    .venv/bin/python bench/table.py [--rows 10000] [--changes 500]

Figures, one `name: value` line each, every time taken until the screen is painted:
  fill_10k_s               an empty table given all rows in one `apply`
  apply_500_ms             one batch of changes on the full table: 60% cell updates,
                           20% deletes, 20% new rows, while sorted by age
  datatable_fill_10k_s     the same rows through `DataTable.add_rows`
  datatable_apply_500_ms   the same batch through `update_cell`, `remove_row` and `add_row`
Target from issue 7: a 10k-row live table fills in well under a second and applies a batch
within one redraw budget (100 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import time

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from kubetriage.tui.viewmodel.updates import PanelUpdate
from kubetriage.tui.widgets.resource_table import ResourceTable

COLUMNS = [("NAMESPACE", 14), ("NAME", None), ("READY", 5), ("STATUS", 18), ("RESTARTS", 8),
           ("AGE", 6)]


def cells(i: int, restarts: int = 0) -> tuple[Text, ...]:
    return (Text(f"ns-{i % 40}"), Text(f"app-{i}-7d9f8c6b5-x{i % 97:02}"), Text("1/1"),
            Text("CrashLoopBackOff" if i % 31 == 0 else "Running"), Text(str(restarts)),
            Text(f"{i % 300}m"))


def batch(rows: int, changes: int) -> tuple[dict, list, dict]:
    """Updated rows, deleted keys and new rows, spread over the table."""
    step = max(rows // changes, 1)
    picked = list(range(0, rows, step))[:changes]
    cut = len(picked) * 3 // 5
    updates = {i: cells(i, restarts=5) for i in picked[:cut]}
    deletes = picked[cut:cut + len(picked) // 5]
    new = {rows + i: cells(rows + i) for i in range(changes - len(updates) - len(deletes))}
    return updates, deletes, new


class Bench(App):
    def __init__(self, widget: str) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield ResourceTable() if self.widget == "resource" else DataTable()


async def run(widget: str, rows: int, changes: int) -> tuple[float, float]:
    app = Bench(widget)
    all_rows = {i: cells(i) for i in range(rows)}
    updates, deletes, new = batch(rows, changes)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        if widget == "resource":
            table = app.query_one(ResourceTable)
            table.set_columns(COLUMNS)
            table.sort_by(5)
            started = time.perf_counter()
            table.apply(PanelUpdate(upserts=all_rows))
            await pilot.pause()
            fill = time.perf_counter() - started
            started = time.perf_counter()
            table.apply(PanelUpdate(upserts={**updates, **new}, deletes=set(deletes)))
        else:
            table = app.query_one(DataTable)
            columns = table.add_columns(*(label for label, _ in COLUMNS))
            started = time.perf_counter()
            table.add_rows(row for row in all_rows.values())
            await pilot.pause()
            fill = time.perf_counter() - started
            keys = list(table.rows)  # DataTable's own row keys, in insertion order
            started = time.perf_counter()
            for i, row in updates.items():
                table.update_cell(keys[i], columns[4], row[4])
            for i in deletes:
                table.remove_row(keys[i])
            for row in new.values():
                table.add_row(*row)
        await pilot.pause()
        apply = time.perf_counter() - started
    return fill, apply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=500)
    args = parser.parse_args()
    fill, apply = asyncio.run(run("resource", args.rows, args.changes))
    dt_fill, dt_apply = asyncio.run(run("datatable", args.rows, args.changes))
    print(f"fill_10k_s: {fill:.3f}")
    print(f"apply_500_ms: {apply * 1000:.1f}")
    print(f"datatable_fill_10k_s: {dt_fill:.3f}")
    print(f"datatable_apply_500_ms: {dt_apply * 1000:.1f}")


if __name__ == "__main__":
    main()
