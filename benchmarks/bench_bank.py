"""How long a big question bank takes to validate and load: ``python benchmarks/bench_bank.py [COPIES]``.

Builds a bank of COPIES (default 64, about 50 MB and 33,000 items) renamed copies of every shipped
chapter file in a temporary directory, then times, each in a fresh process: ``check_bank`` (what
``quizapp bank validate`` runs), ``load_bank`` with no cache (it then writes one), and
``load_bank`` again (read from the cache, as ``paper``/``worksheet``/the app do on every run
after the first). Prints seconds and peak memory of each.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "question_bank"
ID = re.compile(r"^(\s*-?\s*id:\s*)([a-z0-9]+(?:-[a-z0-9]+)*)\s*$", re.M)

PHASE = """
import resource, sys, time
sys.path.insert(0, {root!r})
from quizapp.core.bank import loader
t = time.perf_counter()
if sys.argv[1] == "check":
    bank, problems = loader.check_bank(sys.argv[2])
    assert not problems, problems[:3]
else:
    bank = loader.load_bank(sys.argv[2])
dt = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{sys.argv[1]:>12}}: {{dt:7.2f}} s  peak {{rss:7.0f}} MiB  ({{len(bank.questions):,}} items)")
"""


def build(copies: int, out: Path) -> int:
    shutil.copytree(BANK / "blueprints", out / "blueprints")
    for name in ("chapters.yaml", "glossary.yaml"):
        if (BANK / name).exists():
            shutil.copy(BANK / name, out / name)
    size = 0
    for path in sorted(BANK.glob("ch*.yaml")):
        if path.name == "chapters.yaml":
            continue
        text = path.read_text(encoding="utf-8")
        for c in range(copies):
            copy = text if c == 0 else ID.sub(lambda m: f"{m.group(1)}{m.group(2)}-c{c}", text)
            target = out / f"{path.stem}_{c:03d}.yaml"
            target.write_text(copy, encoding="utf-8")
            size += len(copy.encode("utf-8"))
    return size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("copies", nargs="?", type=int, default=64)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bank, cache = Path(tmp) / "bank", Path(tmp) / "cache"
        bank.mkdir()
        size = build(args.copies, bank)
        print(f"bank: {size / 2**20:.1f} MB in {bank}")
        env = {"QUIZAPP_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
        for phase in ("check", "load (cold)", "load (warm)"):
            arg = "check" if phase == "check" else "load"
            out = subprocess.run([sys.executable, "-c", PHASE.format(root=str(ROOT)), arg, str(bank)],
                                 capture_output=True, text=True, env=env)
            print(out.stdout.strip().replace(f"{arg:>12}", f"{phase:>12}") or out.stderr[-800:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
