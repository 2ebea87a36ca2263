"""Walking a repository read-only: which files a scan may read, and why the others are skipped.

A scan runs on checkouts we do not control, so the walk is defensive: it honours .gitignore files
(with `pathspec`, which implements git's rules), never descends into vendored or generated trees,
never follows a symlink that leaves the root (nor any symlinked directory, which could loop), and
never opens binaries or files over 2 MB. Nothing is executed or imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from ..errors import FeedwatchError

MAX_FILE_BYTES = 2 * 1024 * 1024
BINARY_SNIFF = 8192
#: Directory names never entered: VCS data, dependencies, caches and build output.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "bower_components", "__pycache__", ".venv", "venv", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", "build", "dist", "target", "out", ".next",
    ".nuxt", ".svelte-kit", ".turbo", ".parcel-cache", ".gradle", ".terraform", ".serverless", ".eggs",
    "vendor", "coverage", "htmlcov", ".idea", ".vscode",
})
#: Extensions that are binary or generated whatever their bytes say (lock files are data, not code).
SKIP_SUFFIXES = (".lock", ".min.js", ".map", ".pyc", ".so", ".dll", ".png", ".jpg", ".jpeg", ".gif", ".pdf",
                 ".zip", ".gz", ".tar", ".whl", ".parquet", ".bin", ".safetensors", ".onnx", ".pt", ".ico")
SKIP_FILES = frozenset({"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "uv.lock",
                        "Cargo.lock", "go.sum"})


class ScanError(FeedwatchError):
    """A path that cannot be scanned; str() is the one-line message shown to the user."""


@dataclass(frozen=True, slots=True)
class FileEntry:
    rel: str        # path relative to the root, "/" separators
    path: Path      # absolute path, inside the root


def check_root(path: str | os.PathLike) -> Path:
    """The resolved root directory, or ScanError with one line saying what is wrong."""
    p = Path(os.path.expanduser(str(path)))
    try:
        if not p.exists():
            raise ScanError(f"{path}: no such directory")
        if not p.is_dir():
            raise ScanError(f"{path}: not a directory")
        root = p.resolve()
        os.listdir(root)
    except PermissionError:
        raise ScanError(f"{path}: cannot read: permission denied") from None
    except OSError as exc:
        raise ScanError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return root


def _ignore_spec(dir_path: Path) -> pathspec.PathSpec | None:
    try:
        text = (dir_path / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
    return spec if len(spec) else None


def _ignored(specs: list[tuple[str, pathspec.PathSpec]], rel: str, is_dir: bool) -> bool:
    """Whether any .gitignore on the way down (each relative to its own directory) ignores `rel`."""
    for base, spec in specs:
        sub = rel[len(base) + 1:] if base else rel
        if spec.match_file(sub + "/" if is_dir else sub):
            return True
    return False


def _is_venv(path: Path) -> bool:
    return (path / "pyvenv.cfg").exists()


def walk(root: Path) -> Iterator[FileEntry]:
    """The files of `root` a scan may read, depth first in sorted order (stable output)."""
    root_str = str(root)
    stack: list[tuple[Path, str, list]] = [(root, "", [])]
    while stack:
        dir_path, rel_dir, specs = stack.pop()
        own = _ignore_spec(dir_path)
        if own is not None:
            specs = [*specs, (rel_dir, own)]
        try:
            with os.scandir(dir_path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue                                    # unreadable directory inside the tree: skipped
        subdirs = []
        for e in entries:
            rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
            try:
                if e.is_symlink():
                    real = os.path.realpath(e.path)
                    if not (real == root_str or real.startswith(root_str + os.sep)):
                        continue                        # leaves the root
                    if os.path.isdir(real):
                        continue                        # its target is walked where it really is
                    is_dir = False
                else:
                    is_dir = e.is_dir(follow_symlinks=False)
                if is_dir:
                    if e.name in SKIP_DIRS or e.name.endswith(".egg-info") or _is_venv(Path(e.path)):
                        continue
                    if not _ignored(specs, rel, True):
                        subdirs.append((Path(e.path), rel, specs))
                    continue
                if not e.is_file():
                    continue
                if e.name in SKIP_FILES or e.name.endswith(SKIP_SUFFIXES) or _ignored(specs, rel, False):
                    continue
                if e.stat().st_size > MAX_FILE_BYTES:
                    continue
            except OSError:
                continue
            yield FileEntry(rel, Path(e.path))
        stack.extend(reversed(subdirs))


def read_text_file(path: Path) -> bytes | None:
    """The bytes of a text file, or None for a binary (a NUL byte early on), oversized or unreadable one."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES or b"\0" in data[:BINARY_SNIFF]:
        return None
    return data
