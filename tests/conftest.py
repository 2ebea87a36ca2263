import sys
from pathlib import Path

import pytest

# `.venv/bin/pytest` only puts tests/ on sys.path; make `feedwatch` and `tests.*` importable.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.servers.http import LoopbackServer  # noqa: E402


@pytest.fixture
def http_server():
    """A real HTTP/1.1 server on 127.0.0.1:<free port>; see tests/servers/http.py."""
    server = LoopbackServer()
    try:
        yield server
    finally:
        server.close()
