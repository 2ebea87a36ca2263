"""The Textual TUI: a thin layer over the headless core (the only package allowed to import textual)."""
