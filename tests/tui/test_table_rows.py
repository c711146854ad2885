"""TableRows, the table's rows without the drawing: the order shown under order keys, a column
sort, a filter and batches of changes, and the widths its columns need. Pure: no screen."""

from __future__ import annotations

import random

from kubetriage.tui.viewmodel.rows import cell
from kubetriage.tui.viewmodel.updates import PanelUpdate
from kubetriage.tui.widgets.table_rows import BULK_ROWS, TableRows


def row(name: str, restarts: int = 0, age: str = "1m"):
    return (cell(name), cell(restarts), cell(age))


def shown(rows: TableRows) -> list:
    return [rows.key_at(i) for i in range(rows.visible_count)]


def table(**updates) -> TableRows:
    rows = TableRows()
    rows.set_columns([("NAME", None), ("RESTARTS", 8), ("AGE", 6)])
    rows.apply(PanelUpdate(**updates))
    return rows


def test_a_first_fill_in_bulk_and_the_same_rows_one_by_one_show_the_same_order():
    names = [f"pod-{i}" for i in range(BULK_ROWS + 50)]
    random.Random(7).shuffle(names)
    order = {name: (hash(name) % 3, name) for name in names}
    bulk = table(upserts={n: row(n) for n in names}, sort_keys=order)
    one_by_one = table()
    for n in names:
        one_by_one.apply(PanelUpdate(upserts={n: row(n)}, sort_keys={n: order[n]}))
    assert shown(bulk) == shown(one_by_one) == sorted(names, key=order.__getitem__)


def test_a_column_sort_reads_numbers_and_ages_by_value_and_reverses():
    rows = table(upserts={"a": row("a", 10, "2h"), "b": row("b", 9, "90s"), "c": row("c", 100, "3d")})
    rows.sort_by(2)
    assert shown(rows) == ["b", "a", "c"]
    rows.sort_by(1, reverse=True)
    assert shown(rows) == ["c", "a", "b"]
    assert rows.index_of("c") == 0 and rows.index_of("b") == 2


def test_the_filter_hides_rows_and_a_changed_row_is_filtered_again():
    rows = table(upserts={"web": row("web-1"), "db": row("db-0")})
    rows.set_filter("WEB")
    assert shown(rows) == ["web"] and rows.index_of("db") is None
    rows.apply(PanelUpdate(upserts={"db": row("db-web-0")}))
    assert sorted(shown(rows)) == ["db", "web"]
    rows.set_filter("")
    assert rows.visible_count == 2


def test_a_batch_names_only_the_rows_that_changed():
    rows = table(upserts={"a": row("a"), "b": row("b")})
    changed = rows.apply(PanelUpdate(upserts={"a": row("a"), "b": row("b", 1)}, deletes={"x"}))
    assert changed == {"b"}, "an unchanged row and an unknown deletion draw nothing"
    assert rows.apply(PanelUpdate(deletes={"a"}, severities={"b": "error"})) == {"a", "b"}
    assert rows.severity("b") == "error" and not rows.has_row("a")


def test_flexible_columns_take_their_widest_cell_and_the_last_takes_the_rest():
    rows = table(upserts={"a": row("a-rather-long-name")})
    assert rows.column_widths(40) == [40 - 8 - 6 - 2, 8, 6]
    rows.set_columns([("NAME", None), ("RESTARTS", None), ("AGE", 6)])
    assert rows.column_widths(40)[:1] == [len("a-rather-long-name")]
    # too narrow: the other flexible columns give way, down to their labels
    assert rows.column_widths(16) == [len("NAME"), 8, 6]
