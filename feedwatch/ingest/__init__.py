"""Fetching: HTTP (http.py), the run over every source (run.py), the parse workers (worker.py)."""

import sys

# httpx's package imports its command-line tool when click, pygments and rich are installed (they are:
# textual brings rich): ~100 ms of a 304-only fetch on a slow machine, for a tool feedwatch never uses.
# A None entry makes that one import fail, which httpx expects (it then defines a stub `main`).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
