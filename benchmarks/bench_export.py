"""How long `quizapp export` takes for the whole bank with 20 variants of every calculation:
``python benchmarks/bench_export.py [--variants 20] [--formats moodle anki ...]``.

Each format runs in a fresh interpreter, timed from the start of the command to the file on disk
(imports, bank loading, drawing every variant, writing), the way a teacher runs it. Prints wall
and CPU seconds per format and the file size. Target: under 10 s wall for each format.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quizapp.export import FORMATS  # noqa: E402


def run(fmt: str, variants: int, out: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "quizapp", "export", fmt, "--variants", str(variants),
                           "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{fmt} failed: {proc.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=20)
    ap.add_argument("--formats", nargs="+", default=list(FORMATS), choices=list(FORMATS))
    args = ap.parse_args()
    print(f"whole bank, {args.variants} variants per calculation question or kind "
          f"({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats:
            out = Path(tmp) / f"bank{FORMATS[fmt][1]}"
            wall, cpu = run(fmt, args.variants, out)
            verdict = "ok" if wall < 10 else "SLOW (target < 10 s)"
            print(f"{fmt:7s} {wall:6.2f} s wall  {cpu:6.2f} s CPU  {out.stat().st_size / 1e6:6.1f} MB  {verdict}")


if __name__ == "__main__":
    main()
