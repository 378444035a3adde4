"""Count the CPU instructions one response costs, on the two paths bench/scoring.py times, under valgrind.

Timings on a shared machine swing by half from one minute to the next; instruction counts do not, so they show
whether a change to scoring made it cheaper. Needs valgrind (apt-get install -y valgrind). Each path runs under
callgrind, which counts only inside functools.reduce, so loading the bank and making the answers is not counted.
Run: python bench/instructions.py [--sets 500]
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where bench/http.py would hide the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from quiz.guidance import assess, choose  # noqa: E402
from quiz.scoring import check_answers, score  # noqa: E402

BENCH = Path(__file__).resolve().parent
PATHS = ("scoring", "with guidance text")


def run_path(path: str, count: int) -> None:
    """Score `count` answer sets on one path inside functools.reduce, the only code callgrind counts."""
    spec = importlib.util.spec_from_file_location("scoring_bench", BENCH / "scoring.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # the same answer sets as bench/scoring.py
    bank = bench.load_catalog([bench.QUESTIONS])["coaching-fit"]
    sets = bench.answer_sets(bank, count, 20)
    bench.explain_all(bank, sets)  # compile the bank's plan and reasons before counting
    if path == "scoring":
        functools.reduce(lambda _, raw: choose(bank, score(bank, check_answers(bank, raw)[0])), sets, None)
    else:
        functools.reduce(lambda _, raw: assess(bank, check_answers(bank, raw)[0]), sets, None)


def count(path: str, sets: int) -> int:
    """Return the instructions callgrind counted for one path."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        "--collect-atstart=no",
        "--toggle-collect=functools_reduce",
        sys.executable,
        __file__,
        "--child",
        path,
        "--sets",
        str(sets),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))  # type: ignore[union-attr]


def main() -> None:
    """Count both paths and print instructions per response."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=500, help="answer sets per path")
    parser.add_argument("--child", choices=PATHS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_path(args.child, args.sets)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install -y valgrind")
    for path in PATHS:
        print(f"{path}: {count(path, args.sets) / args.sets:,.0f} instructions per response")


if __name__ == "__main__":
    main()
