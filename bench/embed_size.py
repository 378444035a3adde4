"""Print the bytes a coach's page downloads for the embed: embed.js as served, and frame.js inside the quiz.

Run: python bench/embed_size.py   (target: embed.js at most 3 kB gzipped; Typeform's loader is about 14 kB)
"""

from __future__ import annotations

import gzip
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
TARGET = 3 * 1024


def main() -> None:
    """Print raw and gzip bytes of embed.js and frame.js, and whether embed.js meets its target."""
    for name in ("embed.js", "frame.js"):
        raw = (STATIC / name).read_bytes()
        packed = len(gzip.compress(raw, 9, mtime=0))
        print(f"{name}: {len(raw)} B raw, {packed} B gzip")
    loader = len(gzip.compress((STATIC / "embed.js").read_bytes(), 9, mtime=0))
    print(f"embed.js target <= {TARGET} B gzip: {'ok' if loader <= TARGET else 'OVER'}")


if __name__ == "__main__":
    main()
