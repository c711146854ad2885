"""ResourceTable: the cursor follows its row key through live batches; sort, filter and marks hold;
only visible lines are drawn; cluster text is shown literally."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from kubetriage.tui.viewmodel.updates import PanelUpdate
from kubetriage.tui.widgets.resource_table import ResourceTable
from kubetriage.tui.widgets.table_rows import sort_value

COLUMNS = [("NAME", None), ("RESTARTS", 8), ("AGE", 6)]


def row(name: str, restarts: int = 0, age: str = "1m") -> tuple[Text, ...]:
    return (Text(name), Text(str(restarts)), Text(age))


class TableApp(App):
    def __init__(self, table_class: type[ResourceTable] = ResourceTable) -> None:
        super().__init__()
        self.table_class = table_class
        self.highlighted: list = []
        self.selected: list = []

    def compose(self) -> ComposeResult:
        yield self.table_class(id="pods")

    def on_mount(self) -> None:
        table = self.query_one(ResourceTable)
        table.set_columns(COLUMNS)
        table.focus()

    def on_resource_table_row_highlighted(self, message: ResourceTable.RowHighlighted) -> None:
        self.highlighted.append(message.key)

    def on_resource_table_row_selected(self, message: ResourceTable.RowSelected) -> None:
        self.selected.append(message.key)


def screen_lines(table: ResourceTable) -> list[str]:
    """What the table shows, without the marker gutter."""
    return ["".join(segment.text for segment in table.render_line(y))[1:]
            for y in range(table.size.height)]


def cursor_line(table: ResourceTable) -> int:
    """The screen line (0 = header) holding the cursor's row."""
    name = table.cursor_key
    return next(y for y, line in enumerate(screen_lines(table)) if line.startswith(f"{name} "))


async def test_cursor_stays_on_its_row_when_rows_above_it_come_and_go():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply(PanelUpdate(upserts={f"pod-{i:03}": row(f"pod-{i:03}")
                                         for i in range(10, 200)}))
        table.sort_by(0)
        assert table.move_cursor_to("pod-050")
        await pilot.pause()
        line = cursor_line(table)

        table.apply(PanelUpdate(upserts={f"pod-{i:03}": row(f"pod-{i:03}") for i in range(0, 10)},
                                deletes={f"pod-{i:03}" for i in range(20, 30)}))
        await pilot.pause()
        assert table.cursor_key == "pod-050"
        assert cursor_line(table) == line, "the cursor's row must not jump on screen"
        await pilot.press("down")
        assert table.cursor_key == "pod-051"
        assert app.highlighted[-1] == "pod-051"


async def test_deleting_the_cursor_row_moves_the_cursor_to_the_row_now_in_its_place():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply(PanelUpdate(upserts={name: row(name) for name in ["a", "b", "c", "d"]}))
        table.move_cursor_to("b")
        table.apply(PanelUpdate(deletes={"b"}))
        await pilot.pause()
        assert table.cursor_key == "c"
        assert app.highlighted[-1] == "c"
        table.apply(PanelUpdate(deletes={"c", "d"}))
        assert table.cursor_key == "a"
        table.clear()
        assert (table.cursor_key, table.row_count, table.visible_count) == (None, 0, 0)


async def test_sort_understands_ages_and_numbers_and_survives_updates():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply(PanelUpdate(upserts={
            "old": row("old", 598, "2y3d"), "day": row("day", 10, "3d"),
            "new": row("new", 2, "45s"), "hour": row("hour", 9, "2h")}))
        table.sort_by(2)
        assert [table.key_at(i) for i in range(4)] == ["new", "hour", "day", "old"]
        table.sort_by(1, reverse=True)
        assert [table.key_at(i) for i in range(4)] == ["old", "day", "hour", "new"]
        table.apply(PanelUpdate(upserts={"new": row("new", 700, "46s")}))
        assert table.key_at(0) == "new"
        await pilot.pause()
        assert screen_lines(table)[0].startswith("NAME") and "RESTART↓" in screen_lines(table)[0]


async def test_order_keys_give_the_default_order_and_break_column_ties():
    app = TableApp()
    async with app.run_test(size=(60, 12)):
        table = app.query_one(ResourceTable)
        worst_first = {"ok": (2, "ok"), "failing": (0, "failing"), "pending": (1, "pending")}
        table.apply(PanelUpdate(upserts={key: row(key, age="5m") for key in worst_first},
                                sort_keys=worst_first))
        assert [table.key_at(i) for i in range(3)] == ["failing", "pending", "ok"]
        table.sort_by(2)  # every age is equal: the order key decides
        assert [table.key_at(i) for i in range(3)] == ["failing", "pending", "ok"]
        table.sort_by(None)
        table.apply(PanelUpdate(sort_keys={"ok": (-1, "ok")}))  # its order changed, its cells did not
        assert table.key_at(0) == "ok"


def test_sort_value_orders_names_naturally():
    names = ["pod-10", "Pod-9", "pod-100", "api"]
    assert sorted(names, key=sort_value) == ["api", "Pod-9", "pod-10", "pod-100"]
    assert sort_value("90s") < sort_value("2m") < sort_value("1h") < sort_value("1d2h")


async def test_filter_is_a_case_insensitive_substring_over_cells_and_holds_across_updates():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply(PanelUpdate(upserts={name: row(name)
                                         for name in ["frontend-1", "backend-1", "redis-0"]}))
        table.move_cursor_to("backend-1")
        table.filter("END")
        assert table.visible_count == 2 and table.row_count == 3
        assert table.cursor_key == "backend-1"
        table.apply(PanelUpdate(upserts={"frontend-2": row("frontend-2"), "worker": row("worker")}))
        assert table.visible_count == 3
        await pilot.pause()
        shown = [line.split()[0] for line in screen_lines(table)[1:] if line.strip()]
        assert shown == ["frontend-1", "backend-1", "frontend-2"]
        table.filter("redis")
        assert table.cursor_key == "redis-0"
        table.filter("")
        assert table.visible_count == 5


async def test_marked_and_severity_rows_take_their_component_styles():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply(PanelUpdate(upserts={name: row(name) for name in ["a", "b", "c"]},
                                severities={"c": "error"}))
        table.set_marked({"b"})
        table.move_cursor_to("a")
        await pilot.pause()

        def row_style(y):  # the style of the row's trailing padding
            return table.render_line(y)._segments[-1].style

        marked = table.get_component_rich_style("resource-table--marked", partial=True)
        error = table.get_component_rich_style("resource-table--error", partial=True)
        assert row_style(2).bgcolor == marked.bgcolor != row_style(3).bgcolor
        assert row_style(3).color == error.color != row_style(2).color
        assert row_style(1).bgcolor != marked.bgcolor  # the cursor row
        assert table.render_line(2)._segments[0].text == "▌" != table.render_line(3)._segments[0].text
        table.set_row_severity("c", None)
        assert row_style(3).color != error.color


async def test_enter_and_click_select_the_row_under_the_cursor():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply(PanelUpdate(upserts={name: row(name) for name in ["a", "b", "c"]}))
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.selected == ["b"]
        await pilot.click(ResourceTable, offset=(2, 3))
        await pilot.pause()
        assert app.selected == ["b", "c"] and table.cursor_key == "c"
        await pilot.click(ResourceTable, offset=(1, 0))  # the header sorts
        assert table.key_at(0) == "a"
        await pilot.click(ResourceTable, offset=(1, 0))
        assert table.key_at(0) == "c"


async def test_ten_thousand_rows_draw_only_the_visible_lines():
    class CountingTable(ResourceTable):
        calls = 0

        def render_line(self, y):
            CountingTable.calls += 1
            return super().render_line(y)

    app = TableApp(CountingTable)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.pause()
        CountingTable.calls = 0
        table.apply(PanelUpdate(upserts={f"pod-{i}": row(f"pod-{i}", i % 7, f"{i % 90}m")
                                         for i in range(10_000)}))
        await pilot.pause()
        assert table.row_count == 10_000
        # speed is bench/table.py's to measure; here: only what is on screen is drawn
        assert CountingTable.calls <= 2 * 24
        await pilot.press("end")
        await pilot.pause()
        assert screen_lines(table)[-1].startswith("pod-9999 ")


@pytest.mark.parametrize("name", ["[bold red]x[/]", "[/b]", "a\x1b]0;pwned\x07b", "c\x9b2Jd"])
async def test_cell_text_is_shown_literally_and_escapes_never_reach_the_terminal(name):
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply(PanelUpdate(upserts={"k": row(name)}))
        await pilot.pause()
        line = screen_lines(table)[1]
        if name.startswith("["):
            assert line.startswith(f"{name} ")
        assert "pwned" not in line and "2J" not in line
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in line)


async def test_a_narrow_terminal_truncates_with_an_ellipsis():
    app = TableApp()
    async with app.run_test(size=(20, 6)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_columns([("NAMESPACE", 10), ("NAME", None), ("STATUS", 16)])
        table.apply(PanelUpdate(upserts={"k": (Text("kube-system"), Text("coredns"),
                                               Text("CrashLoopBackOff"))}))
        await pilot.pause()
        line = screen_lines(table)[1]
        assert line.startswith("kube-syst… ")
        assert line.rstrip().endswith("…")
