"""Where a team writes a model id: the string literals of code and the values of config files.

Only whole literals and whole values are candidates (a model id is written alone: `model="gpt-4o"`,
`MODEL=gpt-4o`, `- openai:gpt-4o`), never words inside prose or comments, which keeps mentions in
docstrings and README-like text out. Each candidate carries the key it is assigned to on its line
(`model`, `deployment_name`, `--model`), which ambiguous ids such as a bare "o1" need.
Parsing is line-based regexes, not a real parser per language: the scanner reads only the lines a
fast prefilter flagged, and never needs to understand (let alone run) the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_EXTS = {".py": "py", ".pyi": "py", ".js": "js", ".jsx": "js", ".mjs": "js", ".cjs": "js", ".ts": "js",
             ".tsx": "js", ".mts": "js", ".cts": "js", ".go": "go"}
CONFIG_EXTS = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json", ".jsonc": "json",
               ".tf": "hcl", ".tfvars": "hcl", ".hcl": "hcl", ".env": "env", ".ini": "env", ".cfg": "env",
               ".prompty": "yaml", ".prompt": "yaml", ".sh": "env"}


def language(rel: str) -> str | None:
    """The extraction rules for a file, from its name; None for files that are not scanned for models."""
    name = rel.rsplit("/", 1)[-1]
    low = name.lower()
    if low == ".env" or low.startswith(".env.") or low.endswith(".env"):
        return "env"
    if low == "dockerfile" or low.startswith("dockerfile.") or low.endswith(".dockerfile"):
        return "env"
    dot = low.rfind(".")
    if dot < 0:
        return None
    ext = low[dot:]
    return CODE_EXTS.get(ext) or CONFIG_EXTS.get(ext)


@dataclass(frozen=True, slots=True)
class Token:
    col: int        # 0-based offset in the line
    text: str       # the literal's content or the value, as written
    key: str        # the key or name it is assigned to on the line, lower case ("" when none)


_DQ = r'"((?:[^"\\\n]|\\.){1,300})"'
_SQ = r"'((?:[^'\\\n]|\\.){1,300})'"
_BQ = r"`([^`\n]{1,300})`"
_LITERALS = {
    "py": re.compile(f"{_DQ}|{_SQ}"),
    "js": re.compile(f"{_DQ}|{_SQ}|{_BQ}"),
    "go": re.compile(f"{_DQ}|{_BQ}"),
    "json": re.compile(_DQ),
    "hcl": re.compile(_DQ),
    "toml": re.compile(f"{_DQ}|{_SQ}"),
    "yaml": re.compile(f"{_DQ}|{_SQ}"),
    "env": re.compile(f"{_DQ}|{_SQ}"),
}
# The key a value is assigned to: `model=`, `"model":`, `model:`, `MODEL =`, `model: str =`, `--model`.
_KEY = re.compile(r"""(?:--([A-Za-z][\w-]*)[ =]|["']?([A-Za-z_][\w.-]*)["']?\s*(?::\s*\w+\s*)?(?::=|[:=])\s*)"""
                  r"""(?:\[\s*|\(\s*)?$""")
_KEY_ANYWHERE = re.compile(r"""(?:--([A-Za-z][\w-]*)[ =]|["']?([A-Za-z_][\w.-]*)["']?\s*(?::=|[:=]))""")
# Unquoted values: YAML `key: value` / `- value`, env `KEY=value`, Dockerfile `ENV KEY=value`.
_YAML_VALUE = re.compile(r"^\s*(?:-\s+)?(?:([\w.-]+)\s*:\s+)?([^\s#'\"\[{|>&*!-][^#]*?)\s*(?:\s#.*)?$")
_YAML_FLOW = re.compile(r"^\s*(?:-\s+)?([\w.-]+)\s*:\s*\[([^\]\"']*)\]\s*(?:#.*)?$")
_ENV_VALUE = re.compile(r"(?:^|\s)(?:export\s+|ENV\s+|ARG\s+)?([A-Za-z_][\w]*)=([^\s'\"#;&|]+)")
_FLAG_VALUE = re.compile(r"--([a-z][\w-]*)[ =]([^\s'\"=;&|]+)")


def _key_before(line: str, col: int) -> str:
    """The key the value at `col` is assigned to; only the 120 characters before it are looked at
    (a key is next to its value, and this keeps long lines linear)."""
    prefix = line[max(0, col - 120):col]
    m = _KEY.search(prefix)
    if m is None:
        # A value further along an argument list or array keeps the key the list started with.
        matches = list(_KEY_ANYWHERE.finditer(prefix))
        m = matches[-1] if matches else None
    if m is None:
        return ""
    return (m.group(1) or m.group(2) or "").lower()


def line_tokens(line: str, lang: str) -> list[Token]:
    """The candidate values on one line: whole string literals, and unquoted config values."""
    out: list[Token] = []
    rx = _LITERALS[lang]
    for m in rx.finditer(line):
        gi = m.lastindex or 1
        text = m.group(gi)
        col = m.start(gi)
        if "=" in text and lang in ("yaml", "env") and re.fullmatch(r"[A-Za-z_]\w*=\S+", text):
            key, _, text = text.partition("=")          # docker-compose `- "MODEL=gpt-4o"`
            out.append(Token(col + len(key) + 1, text, key.lower()))
            continue
        out.append(Token(col, text, _key_before(line, m.start())))
    if lang == "yaml":
        flow = _YAML_FLOW.match(line)
        if flow:
            start = flow.start(2)
            for part in re.finditer(r"[^,\s][^,]*", flow.group(2)):
                out.append(Token(start + part.start(), part.group().strip(), flow.group(1).lower()))
        else:
            value = _YAML_VALUE.match(line)
            if value:
                text, col = value.group(2), value.start(2)
                em = re.fullmatch(r"([A-Za-z_]\w*)=(\S+)", text)
                if em:
                    out.append(Token(col + em.start(2), em.group(2), em.group(1).lower()))
                else:
                    out.append(Token(col, text, (value.group(1) or "").lower()))
    elif lang == "env":
        for m in _ENV_VALUE.finditer(line):
            out.append(Token(m.start(2), m.group(2), m.group(1).lower()))
        for m in _FLAG_VALUE.finditer(line):
            out.append(Token(m.start(2), m.group(2), m.group(1).lower()))
    return out


# Prompt constants: `SYSTEM_PROMPT = """..."""`, `const systemPrompt = \`...\``, `var fooPrompt = "..."`.
_PROMPT_ASSIGN = re.compile(
    r"""^[ \t]*(?:export[ \t]+)?(?:(?:const|let|var|final)[ \t]+)?([A-Za-z_]\w*)[ \t]*(?::[ \t]*[\w\[\], ]+)?"""
    r"""[ \t]*:?=[ \t]*\(?[ \t]*[rRuUfFbB]{0,2}("{3}|'{3}|"|'|`)""", re.M)
MIN_PROMPT_CHARS = 80


def prompt_constants(text: str, lang: str) -> list[tuple[int, str]]:
    """(line, name) of long string constants whose name says prompt."""
    out = []
    for m in _PROMPT_ASSIGN.finditer(text):
        name = m.group(1)
        if "prompt" not in name.lower():
            continue
        quote = m.group(2)
        start = m.end()
        if quote in ('"""', "'''", "`"):
            end = text.find(quote, start)
        else:                                    # one-line literal, possibly continued by implicit joins
            end = _one_line_end(text, start, quote)
        if end < 0:
            continue
        body = text[start:end]
        if quote in ('"', "'"):
            body += _continued(text, end + 1, quote)
        if len(body.strip()) >= MIN_PROMPT_CHARS:
            out.append((text.count("\n", 0, m.start(1)) + 1, name))
    return out


def _one_line_end(text: str, start: int, quote: str) -> int:
    i = start
    while True:
        j = text.find(quote, i)
        nl = text.find("\n", i)
        if j < 0 or (0 <= nl < j):
            return -1
        if text[j - 1] != "\\":
            return j
        i = j + 1


_CONTINUATION = {'"': re.compile(r'\s*\+?\s*(?:\\\n)?\s*[rRuUfF]{0,2}"((?:[^"\\\n]|\\.)*)"'),
                 "'": re.compile(r"\s*\+?\s*(?:\\\n)?\s*[rRuUfF]{0,2}'((?:[^'\\\n]|\\.)*)'")}


def _continued(text: str, pos: int, quote: str) -> str:
    """Python's implicit concatenation of adjacent literals (inside parentheses) and JS `+` chains."""
    parts: list[str] = []
    rx = _CONTINUATION[quote]
    while True:
        m = rx.match(text, pos)
        if not m:
            return "".join(parts)
        parts.append(m.group(1))
        pos = m.end()
