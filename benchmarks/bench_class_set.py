"""How long a class set takes: ``python benchmarks/bench_class_set.py [STUDENTS] [PROBLEMS]``.

Builds a worksheet class set of STUDENTS (default 40) variants of PROBLEMS (default 20)
calculation problems each, dealt over every kind, and writes it as PDF twice: merged (one file,
a page break between students, plus one key covering every variant) and per student (one file
each in a directory, plus the key). Prints the time of each phase after the imports and the font
scan are paid. The target: seconds, not minutes, on a laptop.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quizapp.worksheet.classset import copies  # noqa: E402
from quizapp.worksheet.output import Options, build_variants, write_class_set  # noqa: E402
from quizapp.worksheet.render_typst import Fonts, find_cjk_family  # noqa: E402
from quizapp.worksheet.worksheet import WorksheetSpec, worksheet_sheets  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("students", nargs="?", type=int, default=40)
    ap.add_argument("problems", nargs="?", type=int, default=20)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--lang", default="both", choices=("zh", "en", "both"))
    args = ap.parse_args()

    clock = time.perf_counter
    cpu = time.process_time  # all threads of this process: robust on a busy shared machine
    opts = Options(format="pdf", lang=args.lang, fonts=Fonts.from_env())
    find_cjk_family(opts.fonts)  # the font scan is paid once per process
    students = copies(args.students)

    def make(seed, student):
        spec = WorksheetSpec(kinds=("all",), count=args.problems, seed=seed)
        return worksheet_sheets(spec, None, student)

    make(0, None)  # warm-up: lazy imports inside the kinds
    t0, c0 = clock(), cpu()
    variants = build_variants(make, args.seed, students)
    t_build, c_build = clock() - t0, cpu() - c0

    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = clock(), cpu()
        merged = write_class_set(variants, students, Path(tmp) / "class.pdf",
                                 Options(format="pdf", lang=args.lang, merge=True, fonts=opts.fonts))
        t_merged, c_merged = clock() - t0, cpu() - c0
        t0, c0 = clock(), cpu()
        per_student = write_class_set(variants, students, Path(tmp) / "class",
                                      Options(format="pdf", lang=args.lang, fonts=opts.fonts))
        t_split, c_split = clock() - t0, cpu() - c0
        size_merged = sum(p.stat().st_size for p in merged.sheets + merged.keys)
        size_split = sum(p.stat().st_size for p in per_student.sheets + per_student.keys)

    n = args.students * args.problems
    print(f"class set: {args.students} students x {args.problems} problems = {n} problems, lang {args.lang}")
    print(f"{'':38}{'wall':>8}{'cpu':>8}")
    print(f"  {'draw + lay out all variants':36}{t_build:7.2f}s{c_build:7.2f}s")
    print(f"  {'PDF merged (1 file + 1 key)':36}{t_merged:7.2f}s{c_merged:7.2f}s  ({size_merged / 1e6:.1f} MB)")
    print(f"  {f'PDF per student ({args.students} files + 1 key)':36}{t_split:7.2f}s{c_split:7.2f}s  "
          f"({size_split / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
