"""`feedwatch assets scan` against GNU grep on a generated tree: 20,000 files, ~200 MB, model ids sprinkled.

    .venv/bin/python benchmarks/scan.py [--files 20000] [--mb 200] [--keep DIR] [--runs 3]

Generates the tree (not timed) in a temporary directory, warms the page cache, then alternates
runs of `grep -rIE '<the model families>' TREE` and `scan_root(TREE)` (the same work the CLI does,
without printing) and prints the best wall time of each and the ratio. Goal: scan <= 3x grep.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feedwatch.scan import scan_root

FAMILIES = ["gpt", "claude", "gemini", "gemma", "llama", "qwen", "mistral", "mixtral", "codestral", "deepseek",
            "grok", "command-r", "o1", "o3", "o4", "text-embedding", "dall-e", "whisper"]
MODEL_IDS = ["gpt-4o-mini", "gpt-4.1", "claude-3-5-sonnet-20241022", "claude-sonnet-4-5", "gemini-2.5-pro",
             "gemini-1.5-flash-002", "meta-llama/Llama-3.1-8B-Instruct", "llama3.1:8b", "qwen2.5:7b",
             "Qwen/Qwen2.5-72B-Instruct", "mistral-large-latest", "deepseek-r1", "o3-mini",
             "text-embedding-3-small", "BAAI/bge-reranker-v2-m3", "openai:gpt-4o", "bedrock/anthropic.claude-3-haiku"
             "-20240307-v1:0", "vertex_ai/gemini-2.0-flash", "azure/gpt-35-turbo"]
WORDS = ("self result value items config index client request response handler parse render token buffer"
         " stream retry timeout cache session user account order invoice ticket search query filter page").split()
EXTS = [".py", ".ts", ".go", ".yaml", ".json", ".md", ".toml", ".js", ".txt", ".tf"]


def _line(rng: random.Random) -> str:
    w = rng.choices(WORDS, k=rng.randint(5, 10))
    kind = rng.random()
    if kind < 0.3:
        return f"    {w[0]}_{w[1]} = {w[2]}.{w[3]}({', '.join(w[4:])})"
    if kind < 0.5:
        return f"    # {' '.join(w)}"
    if kind < 0.7:
        return f'  {w[0]}: "{" ".join(w[1:])}"'
    return f"def {w[0]}_{w[1]}({', '.join(w[2:])}):"


def generate(root: Path, files: int, total_mb: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    pool = [_line(rng) for _ in range(20000)]
    per_file = total_mb * 1024 * 1024 // files
    written = 0
    for i in range(files):
        d = root / f"svc{i % 40:02d}" / f"pkg{i % 7}"
        d.mkdir(parents=True, exist_ok=True)
        lines, size = [], 0
        while size < per_file:
            ln = rng.choice(pool)
            if rng.random() < 0.002:
                ln = f'MODEL = "{rng.choice(MODEL_IDS)}"'
            lines.append(ln)
            size += len(ln) + 1
        data = "\n".join(lines) + "\n"
        (d / f"f{i:05d}{rng.choice(EXTS)}").write_text(data)
        written += len(data)
    return written


def _best(fn, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="generate into (or reuse) this directory and keep it")
    args = ap.parse_args()
    tmp = None
    if args.keep:
        root = args.keep
    else:
        tmp = tempfile.mkdtemp(prefix="feedwatch-scanbench-")
        root = Path(tmp)
    try:
        if not any(root.iterdir()) if root.exists() else True:
            root.mkdir(parents=True, exist_ok=True)
            t = time.perf_counter()
            size = generate(root, args.files, args.mb)
            print(f"generated {args.files} files, {size / 1e6:.0f} MB in {time.perf_counter() - t:.1f}s")
        pattern = "|".join(FAMILIES)
        grep = ["grep", "-rIE", "-c", pattern, str(root)]
        subprocess.run(grep, stdout=subprocess.DEVNULL, check=False)          # warm the page cache
        res = scan_root(root)
        print(f"scan: {res.files} files walked (those of scanned types read), {len(res.findings)} findings, "
              f"{len(res.proposals)} proposed assets")
        tg, ts = float("inf"), float("inf")
        for _ in range(args.runs):                                              # alternate: same minutes
            tg = min(tg, _best(lambda: subprocess.run(grep, stdout=subprocess.DEVNULL, check=False), 1))
            ts = min(ts, _best(lambda: scan_root(root), 1))
        print(f"grep -rIE (families): {tg:.2f}s   feedwatch scan: {ts:.2f}s   ratio {ts / tg:.2f}x (goal <= 3x)")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
