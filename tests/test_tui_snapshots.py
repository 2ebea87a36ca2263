"""A few SVG snapshots of the TUI (refresh with `pytest --snapshot-update` and review the SVGs)."""

from __future__ import annotations

from tests.test_tui import app_for, seed


async def settle(pilot):
    """Let the preview (updated shortly after the cursor stops) catch up before the snapshot."""
    await pilot.pause(0.2)


def test_snapshot_main_screen(tmp_path, snap_compare):
    assert snap_compare(app_for(seed(tmp_path / "s.db")), terminal_size=(140, 36), press=["j"], run_before=settle)


def test_snapshot_hostile_title_preview(tmp_path, snap_compare):
    assert snap_compare(app_for(seed(tmp_path / "s.db")), terminal_size=(140, 36), press=["G"], run_before=settle)


def test_snapshot_help(tmp_path, snap_compare):
    assert snap_compare(app_for(seed(tmp_path / "s.db")), terminal_size=(100, 30), press=["question_mark"])


def test_snapshot_narrow_terminal_80x24(tmp_path, snap_compare):
    """80x24: the sidebar collapses and the title keeps at least half of the list's width."""
    assert snap_compare(app_for(seed(tmp_path / "s.db")), terminal_size=(80, 24), press=["j"], run_before=settle)
