"""Model lifecycle at scale: `catalog update` of the four real catalogues served on loopback, then
`stack` over 200 assets, as the CLI runs them (fresh processes).

    .venv/bin/python benchmarks/lifecycle.py [--assets 200] [--reps 5]

Targets (issue 14): `stack` <= 150 ms; an update <= 2 s of CPU besides the download. Prints the
wall time and the CPU time (user + sys of the child) of each, medians of --reps runs. Needs the
real catalogues in ../shared/fixtures/real/catalog (or FEEDWATCH_SHARED) and PyYAML (a test extra).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("FEEDWATCH_SHARED", ROOT.parent / "shared"))

from tests.catalog_docs import KINDS, config_text, real_document  # noqa: E402
from tests.servers.http import LoopbackServer, Reply  # noqa: E402


def assets_toml(n: int, models: list[str]) -> str:
    rng = random.Random(14)
    out = []
    for i in range(n):
        picked = rng.sample(models, 3)
        out.append(f'[[assets]]\nname = "asset-{i:03d}"\nkind = "{"prompt" if i % 2 else "pipeline"}"\n'
                   f'models = [{", ".join(repr(m).replace(chr(39), chr(34)) for m in picked)}]\n')
    return "\n".join(out)


def timed(argv: list[str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assets", type=int, default=200)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    os.environ["FEEDWATCH_SHARED"] = str(SHARED)
    # as an installed copy has its .pyc files (PYTHONDONTWRITEBYTECODE would otherwise compile every run)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "feedwatch")], check=True,
                   capture_output=True)
    server = LoopbackServer()
    try:
        for kind in KINDS:
            server.route(f"/{kind}.json", Reply(body=real_document(kind), content_type="application/json", gzip=True))
        models = ["gpt-4o-mini", "azure/gpt-4o-mini", "gpt-4o-2024-05-13", "claude-3-5-haiku@20241022",
                  "anthropic.claude-haiku-4-5-20251001-v1:0", "gemini-2.5-flash", "gemini/gemini-2.5-pro",
                  "text-embedding-3-small", "nova-premier", "meta-llama/Llama-3.1-8B-Instruct", "gpt-4.1-nano",
                  "claude-sonnet-4-5", "o3-mini", "mistral-large-latest", "command-r-plus", "deepseek-r1",
                  "gpt-3.5-turbo", "claude-3-5-haiku-latest", "grok-3", "my-own-model"]
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["FEEDWATCH_CACHE_DIR"] = tmp      # the model-name cache starts empty, as on a new machine
            cfg = Path(tmp) / "feeds.toml"
            cfg.write_text(config_text(server.base_url, assets_toml(args.assets, models)))
            exe = [sys.executable, "-m", "feedwatch", "--config", str(cfg)]
            updates, stacks, bundled = [], [], []
            for rep in range(args.reps):
                db = str(Path(tmp) / f"rep{rep}.db")
                subprocess.run([*exe, "--db", db, "db", "upgrade"], capture_output=True, check=True)
                updates.append(timed([*exe, "--db", db, "catalog", "update"]))
                stacks.append(timed([*exe, "--db", db, "stack", "--format", "jsonl", "--as-of", "2026-12-03"]))
                bundled.append(timed([*exe, "--db", str(Path(tmp) / "empty.db"), "stack", "--format", "jsonl"]))
            rows = len(stacks[-1][2].splitlines())
            models_stored = updates[-1][2]
    finally:
        server.close()
    med = statistics.median
    print(f"catalogues: {', '.join(line.split(' (')[0] for line in models_stored.splitlines() if 'updated' in line)}")
    print(f"catalog update (4 catalogues, fresh db): wall {med(u[0] for u in updates) * 1000:.0f} ms, "
          f"CPU {med(u[1] for u in updates) * 1000:.0f} ms   (target: CPU <= 2000 ms)")
    print(f"stack ({args.assets} assets, {rows} rows): wall {med(s[0] for s in stacks) * 1000:.0f} ms, "
          f"CPU {med(s[1] for s in stacks) * 1000:.0f} ms   (target: <= 150 ms)")
    print(f"  the first stack run, with an empty model-name cache: wall {stacks[0][0] * 1000:.0f} ms, "
          f"CPU {stacks[0][1] * 1000:.0f} ms (the grammar compiles once)")
    print(f"stack before any update (bundled snapshot): wall {med(s[0] for s in bundled) * 1000:.0f} ms, "
          f"CPU {med(s[1] for s in bundled) * 1000:.0f} ms")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import feedwatch.cli"], check=True)
    print(f"(interpreter start + `import feedwatch.cli`: {(time.perf_counter() - start) * 1000:.0f} ms of that)")


if __name__ == "__main__":
    main()
