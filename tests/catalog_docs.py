"""Catalogue documents for tests, in the four real served formats, built from the real copies in
../shared/fixtures/real/catalog (tests that need them skip with a reason when it is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "catalog"
KINDS = ("modeldeprecations", "deprecations-info", "litellm", "models-dev")


def need_real() -> Path:
    if not CATALOG.is_dir():
        pytest.skip(f"real catalogue fixtures not found at {CATALOG} (they live in ../shared, outside the repository)")
    return CATALOG


def real_document(kind: str) -> bytes:
    """The document a catalogue's URL serves, from the real files."""
    root = need_real()
    from feedwatch.lifecycle.build import modeldeprecations_api, models_dev_api
    if kind == "modeldeprecations":
        return json.dumps(modeldeprecations_api(root / "modeldeprecations", "2026-08-21")).encode()
    if kind == "models-dev":
        return json.dumps(models_dev_api(root / "models-dev")).encode()
    if kind == "deprecations-info":
        return (root / "deprecations-info" / "v1" / "deprecations.json").read_bytes()
    return (root / "litellm" / "model_prices_and_context_window_backup.json").read_bytes()


def config_text(base_url: str, assets: str = "", kinds=KINDS, extra: str = "") -> str:
    parts = [f'[[catalogs]]\nname = "{k}"\nkind = "{k}"\nurl = "{base_url}/{k}.json"\n' for k in kinds]
    return "\n".join(parts) + "\n" + extra + "\n" + assets
