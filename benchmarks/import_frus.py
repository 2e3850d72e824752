"""Import all 42 FRUS volumes into a fresh archive; print documents/s and peak memory.

Run: .venv/bin/python benchmarks/import_frus.py [--corpus ../shared/corpus/frus] [--pg URL]
Each backend runs in a child process so that its peak memory is its own; with --pg (or
CHANCERY_TEST_PG_URL) SQLite and PostgreSQL run in the same invocation, so their ratio holds
on this shared, noisy machine. Figures go to docs/benchmarks.md.

The whole command, as an archivist waits for it (storing, indexing, queueing the jobs):
  .venv/bin/python benchmarks/import_frus.py --command [--src OLD/src --src NEW/src]
runs `chancery import --json` on the volumes into a fresh data folder per source tree, timing
the wall clock of the process and its CPU time, then `chancery check` (every document in the
index). With --pg each source tree runs on SQLite, then on PostgreSQL (a fresh schema)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def run_one(corpus: Path, database_url: str) -> dict[str, object]:
    """Import every volume under ``corpus`` into a new archive; timing and memory."""
    from chancery.bootstrap import build_app
    from chancery.config import load_settings
    from chancery.services.imports import NoProgress, import_paths

    if database_url:
        _reset_postgres(database_url)
    with tempfile.TemporaryDirectory() as data:
        app = build_app(load_settings(data=data, database_url=database_url))
        volumes = sorted(corpus.rglob("*.xml"))
        started = time.perf_counter()
        summary = import_paths(volumes, app.import_context(parallel=True), NoProgress())
        seconds = time.perf_counter() - started
        app.catalogue.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"backend": "postgresql" if database_url else "sqlite", "volumes": len(volumes),
            "documents": summary.documents, "failed": len(summary.failed),
            "seconds": round(seconds, 2), "docs_per_s": round(summary.documents / seconds),
            "peak_mb": round(peak_mb)}


def run_command(corpus: Path, src: str, database_url: str = "") -> dict[str, object]:
    """`chancery import` of every volume, a fresh archive, as one process: its wall clock,
    then whether every document is searchable (`chancery check` compares the index)."""
    env = {**os.environ, "PYTHONPATH": src} if src else dict(os.environ)
    if database_url:
        _reset_postgres(database_url)
    with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as bin_:
        cli = [sys.executable, _console_script(Path(src).parent if src else ROOT, Path(bin_))]
        if database_url:
            cli += ["--db", database_url]
        started, cpu = time.perf_counter(), _children_cpu()
        done = subprocess.run([*cli, "--data", data, "import", "--json", "--no-progress",
                               *map(str, sorted(corpus.rglob("*.xml")))],
                              env=env, capture_output=True, text=True)
        seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
        report = json.loads(done.stdout)
        checked = subprocess.run([*cli, "--data", data, "check"], env=env, capture_output=True,
                                 text=True)
    return {"src": src or "installed", "backend": "postgresql" if database_url else "sqlite",
            "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "documents": report["imported"] + report["updated"] + report["unchanged"],
            "timings": report.get("timings", {}), "jobs": report.get("jobs", {}).get("queued"),
            "searchable": checked.returncode == 0}


def _console_script(tree: Path, folder: Path) -> str:
    """The `chancery` console script as pip writes it for that source tree (its pyproject's
    entry point), in ``folder``: run as a file, as a person runs the command, so that the
    processes the import spawns start as theirs do (they run the script again; `python -c`
    would spare them that)."""
    entry = tomllib.loads((tree / "pyproject.toml").read_text())["project"]["scripts"]["chancery"]
    module, _, name = entry.partition(":")
    script = folder / "chancery-script.py"
    script.write_text(f"import sys\nfrom {module} import {name}\n"
                      f"if __name__ == '__main__':\n    sys.exit({name}())\n")
    return str(script)


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (the command, its reader and indexer):
    on a shared machine a steadier figure than the wall clock; PostgreSQL's own is apart."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus/frus")
    parser.add_argument("--pg", default=os.environ.get("CHANCERY_TEST_PG_URL", ""))
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--command", action="store_true",
                        help="Time the whole `chancery import` command instead.")
    parser.add_argument("--src", action="append", default=[],
                        help="A source tree to run the command from (repeat: before, after).")
    args = parser.parse_args()
    if args.command:
        for src in args.src or [""]:
            for url in ["", args.pg] if args.pg else [""]:
                print(json.dumps(run_command(args.corpus, src, url)), flush=True)
        return
    if args.child is not None:
        print(json.dumps(run_one(args.corpus, args.child)))
        return
    for url in ["", args.pg] if args.pg else [""]:
        out = subprocess.run([sys.executable, __file__, "--corpus", str(args.corpus), "--child", url],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"{r['backend']:<10} {r['volumes']} volumes, {r['documents']:,} documents "
              f"({r['failed']} failed) in {r['seconds']} s: {r['docs_per_s']:,} documents/s, "
              f"peak memory {r['peak_mb']} MB")


if __name__ == "__main__":
    main()
