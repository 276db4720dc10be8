"""The image and hand-CNN kinds solve generated-size whole-number inputs on plain Python lists
(several times faster than NumPy calls on 5 x 5 arrays) and keep NumPy as the reference and the
path for a user's large or fractional input. The two paths must give the same item: the same
answer, worked steps, statement and named mistakes, to the character.

The NumPy path is reached here by handing the same grey levels over as floats (3.0 for 3), which
the list paths do not take.
"""

from __future__ import annotations

import pytest

from solvers import DIFFICULTIES, get_kind, item_seed, make_problem
from solvers._base import build

# kind -> the parameter holding the matrix (or vector) the list path reads
MATRIX_PARAM = {
    "conv2d_manual": ("image", "kernel"),
    "pooling_manual": ("image",),
    "sobel": ("image",),
    "prewitt": ("image",),
    "roberts": ("image",),
    "median_filter": ("image",),
    "hist_eq": ("image",),
    "conv_modes": ("signal", "kernel"),
    "otsu": ("image",),
    "morphology": ("image",),
    "smoothing": ("image",),
    "edge_pixel": ("neighbourhood",),
}
SEEDS = 40


def _as_floats(value):
    if isinstance(value, list):
        return [_as_floats(v) for v in value]
    return float(value)


def _item(kind_id: str, params: dict) -> dict:
    out = build(get_kind(kind_id), params, None, None).to_dict()
    del out["params"]
    return out


@pytest.mark.parametrize("kind_id", sorted(MATRIX_PARAM))
def test_list_path_equals_numpy_path(kind_id):
    for i in range(SEEDS):
        for difficulty in DIFFICULTIES:
            params = make_problem(kind_id, item_seed(11, i), difficulty).params
            as_floats = dict(params)
            for name in MATRIX_PARAM[kind_id]:
                as_floats[name] = _as_floats(params[name])
            assert _item(kind_id, params) == _item(kind_id, as_floats), (kind_id, difficulty, params)


def test_float_input_takes_the_numpy_path():
    """The comparison above means something only if floats do take the other path."""
    from solvers import cnn_manual, img_edges, img_median, img_morphology, img_smoothing

    image = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]
    assert not cnn_manual._small_ints(image, [[1.0]])
    assert not img_edges._small_image(image)
    assert not img_median._small_image(image)
    assert not img_morphology._small_binary([[1.0, 0.0]])
    assert not img_smoothing._small_image(image)
    assert cnn_manual._small_ints([[1, 2], [3, 4]], [[1]]) and img_edges._small_image([[1, 2], [3, 4]])


def test_matrix_comparison_is_numpys():
    """values_close on two matrices of plain numbers (the path distinct_mistakes takes for the
    image kinds' maps) answers as NumPy does, NaN and infinities included."""
    import math

    import numpy as np

    from solvers._base import values_close

    nan, inf = math.nan, math.inf
    cases = [([[1, 2], [3, 4]], [[1, 2], [3, 4]]), ([[1, 2], [3, 4]], [[1, 2], [3, 5]]),
             ([[1.0, nan]], [[1.0, nan]]), ([[inf, 1]], [[inf, 1]]), ([[inf, 1]], [[5, 1]]),
             ([[0.1, 2.0]], [[0.1 + 1e-12, 2.0]]), ([[1, 2]], [[1, 2], [3, 4]])]
    for a, b in cases:
        for tol, relative in ((1e-9, True), (0.0, False), (0.5, False)):
            x, y = np.asarray(a, float), np.asarray(b, float)
            scale = np.maximum(1.0, np.abs(y)) if relative else 1.0
            expected = x.shape == y.shape and bool(np.all(np.abs(x - y) <= tol * scale))
            assert values_close(a, b, tol, relative) is expected, (a, b, tol, relative)
