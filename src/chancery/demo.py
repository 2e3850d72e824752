"""The bundled demo corpus: FRUS 1958-60 vol. XIX (China, 404 documents) and three scanned
cables from the 2025 JFK release, all US public domain."""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).with_name("data") / "demo"


def demo_sources() -> list[Path]:
    """The files `chancery demo` imports."""
    return [DEMO_DIR / "frus1958-60v19.xml", DEMO_DIR / "scans" / "scans.csv"]
