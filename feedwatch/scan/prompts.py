"""Prompt files: recognised by name, named by a promptfoo config, or exported from Langfuse/LangSmith.

Names are the evidence we trust most (`*.prompt.md`, `.prompty`, Jinja under `prompts/`); a
promptfoo config says outright which files are its prompts; a prompt-management export is a JSON
file whose shape says so. Contents are only read, never rendered or executed.
"""

from __future__ import annotations

import json
import posixpath
import re

_PROMPT_SUFFIXES = (".prompt.md", ".prompt.txt", ".prompt.yaml", ".prompt.yml", ".prompty", ".prompt")
_JINJA_SUFFIXES = (".jinja", ".jinja2", ".j2")
_PROMPT_DIRS = frozenset({"prompts", "prompt_templates", "templates/prompts"})
PROMPTFOO_NAMES = frozenset({"promptfooconfig.yaml", "promptfooconfig.yml", "promptfooconfig.json"})


def is_prompt_file(rel: str) -> bool:
    """`.prompt`, `.prompty`, `*.prompt.md|txt|yaml`, and Jinja templates under a `prompts/` directory."""
    low = rel.lower()
    name = low.rsplit("/", 1)[-1]
    if name.endswith(_PROMPT_SUFFIXES):
        return True
    if name.endswith(_JINJA_SUFFIXES):
        return "prompts" in low.split("/")[:-1]
    return False


def prompt_stem(rel: str) -> str:
    """The prompt's name from its file name: "prompts/summarize.prompt.md" -> "summarize"."""
    name = rel.rsplit("/", 1)[-1]
    low = name.lower()
    for suffix in (*_PROMPT_SUFFIXES, *_JINJA_SUFFIXES, ".txt", ".md", ".yaml", ".yml", ".json", ".j2"):
        if low.endswith(suffix) and len(low) > len(suffix):
            name, low = name[:-len(suffix)], low[:-len(suffix)]
    return name


# `file://prompts/x.txt`, `file://./prompts/*.json` (globs are not expanded: only named files count).
_FILE_REF = re.compile(r"""file://([^\s'"\],]+)""")


def promptfoo_prompt_files(config_rel: str, text: str, files: set[str]) -> list[str]:
    """The files of the tree (repo-relative) that a promptfoo config names as prompts."""
    base = posixpath.dirname(config_rel)
    out = []
    for m in _FILE_REF.finditer(text):
        ref = m.group(1).split(":", 1)[0]              # "file://prompts.py:my_func" names a function
        if any(c in ref for c in "*?["):
            continue
        rel = posixpath.normpath(posixpath.join(base, ref))
        if rel in files and rel not in out and not rel.endswith((".py", ".js", ".ts")):
            out.append(rel)
    return out


def is_promptfoo_config(rel: str, text: str) -> bool:
    name = rel.rsplit("/", 1)[-1].lower()
    if name in PROMPTFOO_NAMES:
        return True
    return name.endswith((".yaml", ".yml")) and re.search(r"^prompts\s*:", text, re.M) is not None \
        and re.search(r"^providers\s*:", text, re.M) is not None


def exported_prompts(text: str) -> list[tuple[int, str]]:
    """(line, name) of the prompts in a Langfuse or LangSmith export (JSON), or [] for other JSON.

    Langfuse prompts are objects with `name`, `prompt` (a string or chat messages) and `type`
    ("text"/"chat") plus `version` or `labels`; LangSmith/LangChain serialise a prompt template as
    `{"lc": 1, "type": "constructor", "id": ["langchain", "prompts", ...]}`.
    """
    if '"prompt' not in text and '"langchain' not in text:
        return []
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    names: list[str] = []
    _collect(data, names, 0)
    out = []
    for name in names:
        m = re.search(r'"(?:name|repo_handle|title)"\s*:\s*' + re.escape(json.dumps(name)), text)
        out.append((text.count("\n", 0, m.start()) + 1 if m else 1, name))
    return out


def _collect(node, names: list[str], depth: int) -> None:
    if depth > 6 or len(names) >= 500:
        return
    if isinstance(node, list):
        for x in node:
            _collect(x, names, depth + 1)
        return
    if not isinstance(node, dict):
        return
    name = node.get("name") or node.get("repo_handle")
    if (isinstance(name, str) and "prompt" in node and node.get("type") in ("text", "chat")
            and ("version" in node or "labels" in node)):
        names.append(name)                                 # Langfuse
        return
    manifest = m if isinstance(m := node.get("manifest"), dict) else node
    ident = manifest.get("id")
    if (manifest.get("lc") == 1 and isinstance(ident, list) and len(ident) > 2
            and ident[0] in ("langchain", "langchain_core") and ident[1] == "prompts"):
        label = name if isinstance(name, str) else ident[-1]
        names.append(str(label))                           # LangSmith / LangChain hub
        return
    for key in ("prompts", "data", "items"):
        if key in node:
            _collect(node[key], names, depth + 1)
