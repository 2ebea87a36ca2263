"""feedwatch: keep an LLM product team on top of papers, posts and model releases.

The package is a headless core (config, storage, sources, ingest, ...) with thin CLI and TUI layers.
Only `feedwatch.tui` may import textual; a test enforces it.
"""

__version__ = "0.1.0"
