"""Dataset downloads: made whole, against made from the last files after K documents changed.

Run (any archive, PostgreSQL or SQLite):
  CHANCERY_DATA=/tmp/impw CHANCERY_DATABASE_URL="postgresql+psycopg:///h21_import?host=/var/run/postgresql" \\
    PYTHONPATH=src .venv/bin/python benchmarks/download_files.py [--changed 10 100 1000] [--rounds 2] \\
    [--no-check]

Makes documents.jsonl and documents.csv whole (timed, wall and CPU), then, for each K, marks
K documents spread over the archive as written (storage's touch_documents, as an edit to an
authority record they link to does) and makes the files from the last ones (timed); checks
each patched pair against a whole make of the same state once. Figures go to
docs/benchmarks.md."""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

from chancery.bootstrap import build_app
from chancery.config import load_settings
from chancery.domain.publication import Actor
from chancery.services import download_files
from chancery.services.clock import today, utc_now
from chancery.services.downloads import PublicDownloads
from chancery.storage.moves import touch_documents
from chancery.storage.tables import documents


def _timed(work: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--changed", type=int, nargs="*", default=[10, 100, 1000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-check", action="store_true",
                        help="skip the byte-for-byte check (a second whole make: an hour at 1M)")
    args = parser.parse_args()
    app = build_app(load_settings(), migrate=False)
    engine = app.catalogue.engine
    with engine.connect() as conn:
        ids = list(conn.execute(select(documents.c.id).order_by(documents.c.id)).scalars())
    public = app.catalogue.count_documents(Actor.PUBLIC, today())
    with tempfile.TemporaryDirectory() as folder:
        files = PublicDownloads(app.catalogue, Path(folder) / "downloads")
        wall, cpu = _timed(files.refresh)
        sizes = {ext: (files.current(ext) or Path()).stat().st_size >> 20 for ext in ("jsonl", "csv")}
        print(f"{len(ids):,} documents ({public:,} public); files {sizes} MiB")
        print(f"whole: {wall:.2f} s (CPU {cpu:.2f} s), {public / wall:,.0f} documents/s")
        checked = args.no_check
        for _ in range(args.rounds):
            for k in args.changed:
                step = max(1, len(ids) // k)
                with engine.begin() as conn:
                    touch_documents(conn, ids[::step][:k], utc_now())
                wall, cpu = _timed(files.refresh)
                print(f"{k:>6} changed: {wall:.2f} s (CPU {cpu:.2f} s)")
                if not checked:
                    _check(app, files, Path(folder) / "whole", today())
                    checked = True


def _check(app: object, files: PublicDownloads, folder: Path, day: date) -> None:
    folder.mkdir()
    targets = {ext: folder / f"whole.{ext}" for ext in ("jsonl", "csv")}
    download_files.write_whole(app.catalogue, targets, day, lambda: None)  # type: ignore[attr-defined]
    for ext, path in targets.items():
        made = files.current(ext)
        assert made is not None and made.read_bytes() == path.read_bytes(), ext
    print("  (the patched files are the whole files, byte for byte)")


if __name__ == "__main__":
    main()
