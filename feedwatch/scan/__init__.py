"""Scanning the team's repositories for the models and prompts they use (read-only), and proposing
the assets of feeds.toml from what is found. Headless: no textual here.
"""

from .assets import Proposal
from .scanner import Finding, ScanResult, clean, scan_root
from .walk import ScanError

__all__ = ["Finding", "Proposal", "ScanError", "ScanResult", "clean", "scan_root"]
