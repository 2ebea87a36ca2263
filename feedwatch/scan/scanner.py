"""One scan of one repository: walk it, flag lines fast, read the literals on them, and collect
the model and prompt findings with the asset each belongs to.

Speed comes from not looking: a multi-substring prefilter (Aho-Corasick in Rust when
`ahocorasick_rs` is installed, one regex otherwise) finds the few lines that contain a model
family's or a prompt's name, and only those lines are decoded and parsed. Files of other types are
not even opened unless their name makes them prompts.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import literals, prompts
from .assets import Proposal, assign_units, propose
from .recognise import Recognizer, prefilter_words
from .walk import check_root, read_text_file, walk

MAX_LINE = 2000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Text from a scanned file, safe to print: control and bidi characters replaced."""
    return _CONTROL.sub("?", text)


@dataclass(frozen=True, slots=True)
class Finding:
    path: str              # relative to the scanned root, "/" separators
    line: int              # 1-based
    kind: str              # "model" or "prompt"
    model: str | None      # canonical id for a model
    text: str              # as written
    asset: str | None      # the proposed asset it belongs to

    def as_json(self) -> dict:
        return {"path": self.path, "line": self.line, "kind": self.kind, "model": self.model,
                "text": self.text, "asset": self.asset}


@dataclass
class ScanResult:
    repo: str
    root: Path
    findings: list[Finding] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    files: int = 0


@dataclass
class _Raw:
    """A finding before assets are named: the unit key and prompt references come from the scan."""
    path: str
    line: int
    kind: str
    model: str | None
    text: str
    prompt_file: str | None = None        # for kind "prompt": the file that is the prompt asset, if any


class _Prefilter:
    def __init__(self, words: list[str]):
        variants = set()
        for w in words:
            variants.update({w, w.upper(), w.capitalize(), w.title()})
        variants.update({"DeepSeek", "ChatGPT", "QwQ", "LLaMA", "CodeLlama", "Meta-Llama", "SYSTEM_PROMPT"})
        from ..enrich.mention_grammar import HF_ORGS
        variants.update(o + "/" for o in HF_ORGS)
        pats = sorted(v.encode() for v in variants if v)
        try:
            import ahocorasick_rs
            # The DFA costs more to build (a few ms) and searches ~4x faster than the default NFA.
            ac = ahocorasick_rs.BytesAhoCorasick(pats, implementation=ahocorasick_rs.Implementation.DFA)
            self.kind = "aho-corasick"
            self.positions = lambda data: [s for _i, s, _e in ac.find_matches_as_indexes(data)]
        except ImportError:                   # fallback: one prefix-factored regex over lower-cased bytes
            rx = re.compile(_trie_regex(sorted({p.lower() for p in pats})))
            self.kind = "regex"
            self.positions = lambda data: [m.start() for m in rx.finditer(data.lower())]


def _trie_regex(words: list[bytes]) -> bytes:
    """A regex matching any of `words`, factored by common prefixes ("gpt|gemini" -> "g(?:pt|emini)"),
    so the regex engine rejects most positions with one byte comparison instead of one per word."""
    trie: dict = {}
    for w in words:
        node = trie
        for b in w:
            node = node.setdefault(b, {})
        node[None] = True

    def build(node: dict) -> bytes:
        alts = [re.escape(bytes([b])) + build(child) for b, child in sorted(
            ((k, v) for k, v in node.items() if k is not None), key=lambda kv: kv[0])]
        if not alts:
            return b""
        body = alts[0] if len(alts) == 1 else b"(?:" + b"|".join(alts) + b")"
        return b"(?:" + body + b")?" if None in node else body
    return build(trie)


@lru_cache(maxsize=4)
def _tools(known: frozenset[str] | None) -> tuple[Recognizer, _Prefilter]:
    return Recognizer(known), _Prefilter(prefilter_words(known))


def _hit_lines(data: bytes, positions: list[int]) -> list[tuple[int, str]]:
    """(1-based line number, decoded line) of each line holding a prefilter hit, in order."""
    out = []
    line_no, scanned, last_start = 1, 0, -1
    for pos in sorted(positions):
        start = data.rfind(b"\n", 0, pos) + 1
        if start == last_start:
            continue
        line_no += data.count(b"\n", scanned, start)
        scanned = start
        end = data.find(b"\n", pos)
        end = end if end >= 0 else len(data)
        if end - start > MAX_LINE:                 # minified code or one-line JSON: the hit's surroundings
            start, end = max(start, pos - 300), min(end, pos + 300)
        raw = data[start:end]
        out.append((line_no, raw.decode("utf-8", "replace").rstrip("\r")))
        last_start = start
    return out


def scan_root(path, repo: str | None = None, known: Collection[str] | None = None) -> ScanResult:
    """Scan one directory read-only. Raises walk.ScanError for a missing or unreadable root."""
    root = check_root(path)
    repo_name = repo or root.name
    recognizer, pre = _tools(frozenset(known) if known else None)
    entries = list(walk(root))
    rels = {e.rel for e in entries}
    raws: list[_Raw] = []
    refs: list[tuple[str, int, str]] = []                 # (path, line, literal) that may name a prompt file
    prompt_files: dict[str, int] = {}                       # prompt file -> evidence line
    promptfoo_named: set[str] = set()
    for e in entries:
        lang = literals.language(e.rel)
        is_prompt = prompts.is_prompt_file(e.rel)
        low = e.rel.lower()
        if lang is None and not is_prompt:
            continue
        data = read_text_file(e.path)
        if data is None:
            continue
        if is_prompt:
            prompt_files[e.rel] = 1
        text = None
        if lang == "json" and (b'"prompt' in data or b'"langchain' in data):
            text = data.decode("utf-8", "replace")
            for line, name in prompts.exported_prompts(text):
                raws.append(_Raw(e.rel, line, "prompt", None, clean(name)))
        if lang in ("yaml", "json") and (b"prompts" in data):
            text = text or data.decode("utf-8", "replace")
            if prompts.is_promptfoo_config(e.rel, text):
                promptfoo_named.update(prompts.promptfoo_prompt_files(e.rel, text, rels))
        if lang is None or (is_prompt and not low.endswith((".prompty", ".prompt", ".prompt.yaml", ".prompt.yml"))):
            continue
        positions = pre.positions(data)
        if not positions:
            continue
        has_prompt_word = False
        for line_no, hit in _hit_lines(data, positions):
            if "prompt" in hit.lower():
                has_prompt_word = True
            for tok in literals.line_tokens(hit, lang):
                model = recognizer.model(tok.text, tok.key)
                if model is not None:
                    raws.append(_Raw(e.rel, line_no, "model", clean(model), clean(tok.text.strip())))
                elif "prompt" in tok.text.lower() or "/" in tok.text or "." in tok.text:
                    refs.append((e.rel, line_no, tok.text))
        if has_prompt_word and lang in ("py", "js", "go"):
            text = text or data.decode("utf-8", "replace")
            for line_no, name in literals.prompt_constants(text, lang):
                raws.append(_Raw(e.rel, line_no, "prompt", None, clean(name)))
    for rel in promptfoo_named:
        prompt_files.setdefault(rel, 1)
    for rel in sorted(prompt_files):
        raws.append(_Raw(rel, prompt_files[rel], "prompt", None, clean(rel.rsplit("/", 1)[-1]), prompt_file=rel))
    raws = _dedupe(raws)
    units = assign_units(rels)
    proposals, asset_of = propose(repo_name, raws, refs, units, set(prompt_files))
    findings = [Finding(clean(r.path), r.line, r.kind, r.model, r.text, asset_of(r)) for r in raws]
    return ScanResult(repo_name, root, findings, proposals, len(entries))


def _dedupe(raws: list[_Raw]) -> list[_Raw]:
    seen = set()
    out = []
    for r in sorted(raws, key=lambda r: (r.path, r.line, r.kind, r.text)):
        k = (r.path, r.line, r.kind, r.text)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out
