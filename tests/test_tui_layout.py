"""A narrow terminal: the sidebar collapses below 120 columns, `b` toggles it, the title keeps half."""

from __future__ import annotations

from tests.test_tui import app_for, db_url  # noqa: F401


def widths(app) -> dict[str, int]:
    return {key.value: column.width for key, column in app.table.columns.items()}


async def test_below_120_columns_the_sidebar_collapses_and_b_toggles_it(db_url):
    app = app_for(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        sidebar = app.query_one("#sidebar")
        assert not sidebar.display and app.table.compact
        assert widths(app)["title"] >= app.table.size.width // 2
        assert app.table.get_row_at(0)[1].plain == "11-21"          # short dates when compact
        await pilot.press("b")
        await pilot.pause()
        assert sidebar.display and sidebar.outer_size.width == 22
        assert widths(app)["title"] >= app.table.size.width // 2
        await pilot.press("b")
        await pilot.pause()
        assert not sidebar.display
        await pilot.resize_terminal(140, 36)
        await pilot.pause()
        assert not sidebar.display                                   # the user's choice holds
        await pilot.press("b")
        await pilot.pause()
        assert sidebar.display and sidebar.outer_size.width == 30 and not app.table.compact
        assert app.table.get_row_at(0)[1].plain == "2026-11-21"


async def test_wide_terminals_keep_the_sidebar(db_url):
    app = app_for(db_url)
    async with app.run_test(size=(140, 36)) as pilot:
        await pilot.pause()
        assert app.query_one("#sidebar").display and not app.table.compact
