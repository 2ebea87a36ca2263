"""Who is using feedwatch: the person triage state, link decisions and experiment history belong to.

`user` in feeds.toml wins (a shared team config usually leaves it out), else the login name, so
several people on one PostgreSQL database each keep their own inbox without configuring anything.
"""

from __future__ import annotations

import os


def login_name() -> str:
    import getpass
    try:
        return getpass.getuser()
    except Exception:   # no login name in some containers: still somebody
        return os.environ.get("USER") or "unknown"


def current_user(config=None) -> str:
    user = getattr(config, "user", None)
    return user if user else login_name()
