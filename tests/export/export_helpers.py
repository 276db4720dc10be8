"""Independent expectations for the export tests, computed from the engine's problem, not from
the exporter: every number of an answer in order, and the tolerance its rounding allows."""

from __future__ import annotations

# Moodle's list of allowed grades (percent), as its question bank offers them.
ALLOWED = {100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
           14.28571, 12.5, 11.11111, 10, 5, 0}


def cells(value) -> list[float]:
    """Every number of a scalar, vector or matrix answer, row by row."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [c for v in value for c in cells(v)]
    return [float(value)]


def tolerance(f) -> float:
    """Half a unit in the last asked place; exact for whole numbers."""
    if f.integer:
        return 0.0
    return 0.5 * 10 ** -(f.decimals if f.decimals is not None else 6)
