"""A few SVG snapshots of the TUI (refresh with `pytest --snapshot-update` and review the SVGs)."""

from __future__ import annotations

from tests.test_tui import app_for, seed


def test_snapshot_main_screen(tmp_path, snap_compare):
    assert snap_compare(app_for(seed(tmp_path / "s.db")), terminal_size=(140, 36), press=["j"])


def test_snapshot_hostile_title_preview(tmp_path, snap_compare):
    assert snap_compare(app_for(seed(tmp_path / "s.db")), terminal_size=(140, 36), press=["G"])


def test_snapshot_help(tmp_path, snap_compare):
    assert snap_compare(app_for(seed(tmp_path / "s.db")), terminal_size=(100, 30), press=["question_mark"])
