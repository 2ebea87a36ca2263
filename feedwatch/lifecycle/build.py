"""The served JSON of modeldeprecations.dev and models.dev, built from their repositories' source
files the way their deploy steps build it (neither commits the built API; FORMATS.md gives the
shapes). Used to build the bundled snapshot and, in tests, to serve real data in the real format.

Development use only: modeldeprecations.dev's YAML needs PyYAML (a test extra), imported here.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _computed_status(m: dict, today: str) -> str:
    """The site's rule (FORMATS.md): retired if a shutdown date has passed, else deprecated if
    deprecated_on has passed or a shutdown date is set, else the authored status."""
    shutdown = m.get("shutdown_on") or m.get("earliest_shutdown_on")
    if shutdown and shutdown <= today:
        return "retired"
    if (m.get("deprecated_on") and m["deprecated_on"] <= today) or m.get("shutdown_on"):
        return "deprecated"
    return m.get("status", "active")


def modeldeprecations_api(root: Path, as_of: str) -> dict:
    """`/api/v1/models.json` from `models/<provider>/<model>.yaml` files."""
    import yaml
    models = []
    for path in sorted(root.glob("models/*/*.yaml")):
        m = _jsonable(yaml.safe_load(path.read_text(encoding="utf-8")))
        m.setdefault("aliases", [])
        m.setdefault("replacements", [])
        for r in m["replacements"]:
            r.setdefault("recommended", False)
            r.setdefault("external", False)
        m["computed_status"] = _computed_status(m, as_of)
        models.append(m)
    return {"$schema": "https://modeldeprecations.dev/api/v1/schema.json", "generatedAt": f"{as_of}T00:00:00.000Z",
            "asOf": as_of, "count": len(models), "models": models}


def _models_dev_id(stem: str) -> str:
    # the shared copy renamed Bedrock's "...-v1:0.toml" to "...-v1_0.toml" for Windows checkouts
    return re.sub(r"(-v\d+)_(\d+)$", r"\1:\2", stem)


def models_dev_api(root: Path) -> dict:
    """`api.json` from `providers/<id>/provider.toml` and `providers/<id>/models/*.toml`, with
    `base_model` inheritance from `models/<lab>/<id>.toml` and `base_model_omit` applied."""
    out: dict[str, dict] = {}
    for pdir in sorted(p for p in (root / "providers").iterdir() if p.is_dir()):
        meta = tomllib.loads((pdir / "provider.toml").read_text(encoding="utf-8")) \
            if (pdir / "provider.toml").exists() else {"name": pdir.name}
        models = {}
        for mpath in sorted((pdir / "models").glob("*.toml")):
            spec = tomllib.loads(mpath.read_text(encoding="utf-8"))
            base = spec.pop("base_model", None)
            omit = spec.pop("base_model_omit", [])
            if base:
                inherited = tomllib.loads((root / "models" / f"{base}.toml").read_text(encoding="utf-8"))
                inherited.pop("benchmarks", None)
                for key in omit:
                    inherited.pop(key, None)
                spec = {**inherited, **spec}
            model_id = _models_dev_id(mpath.stem)
            models[model_id] = {"id": model_id, **spec}
        out[pdir.name] = {"id": pdir.name, **meta, "models": models}
    return out
