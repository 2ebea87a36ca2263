"""The sidebar's "Notify" lines: each [[notify]] target's last delivery and last error, by name
(never its URL), read from the ledger (storage/notifications.py)."""

from __future__ import annotations

from ..storage.notifications import target_states
from ..storage.triage import View


def notify_entries(config, db) -> list[tuple[View, str, None, str]]:
    """Sidebar entries (not views: lines to read) for the configured targets."""
    if not config.notify:
        return []
    states = target_states(db)
    entries: list = [(View("header"), "Notify", None, "")]
    for t in config.notify:
        s = states.get(t.name) or {}
        sent = f"sent {_short(s['last_sent'])}" if s.get("last_sent") else "never sent"
        if s.get("last_error"):
            entries.append((View("info", t.name), f"{t.name} ! {s['last_error']} ({sent})", None, "red"))
        else:
            entries.append((View("info", t.name), f"{t.name} {sent}", None, "dim"))
    return entries


def _short(stamp: str) -> str:
    return f"{stamp[5:10]} {stamp[11:16]}"
