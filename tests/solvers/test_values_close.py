"""values_close and to_jsonable take short cuts for vectors of numbers (they run for every field of
every named mistake and every answer); the answers must be those of the plain forms, written out
here as they were before the short cuts, for any input: NaN, infinities, bools, strings, NumPy
numbers, Exact floats, nested and ragged lists, lists of different lengths."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings, strategies as st

from solvers._base import _matrix_close, to_jsonable, values_close
from solvers._rounding import Exact

NUMBER = (int, float, Exact)


def reference_close(a, b, tol=1e-9, relative=True):
    if tol is None:
        tol, relative = 1e-9, True
    if type(a) in NUMBER and type(b) in NUMBER:
        return abs(a - b) <= tol * (max(1.0, abs(b)) if relative else 1.0)
    if (type(a) is list and type(b) is list and len(a) == len(b)
            and all(type(x) in NUMBER for x in a) and all(type(y) in NUMBER for y in b)):
        return all(abs(x - y) <= tol * (max(1.0, abs(y)) if relative else 1.0) for x, y in zip(a, b))
    if type(a) is list and type(b) is list:
        close = _matrix_close(a, b, tol, relative)
        if close is not None:
            return close
    try:
        x = np.asarray(a, dtype=float)
        y = np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return a == b
    if x.shape != y.shape:
        return False
    scale = np.maximum(1.0, np.abs(y)) if relative else 1.0
    return bool(np.all(np.abs(x - y) <= tol * scale))


element = st.one_of(
    st.floats(-10, 10), st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5),
    st.sampled_from([0.0, -0.0, 1e-10, 1.0, True, False, "1.5", "x", None]),
    st.builds(np.float64, st.floats(-3, 3)), st.builds(lambda n: Exact(Fraction(n, 7)), st.integers(-20, 20)),
    st.lists(st.floats(-2, 2), min_size=1, max_size=2),
)
vector = st.lists(element, max_size=4)


@settings(max_examples=3000, deadline=None)
@given(a=vector, data=st.data(), tol=st.sampled_from([1e-9, 5e-5, 0.5, None]), relative=st.booleans())
def test_values_close_is_the_plain_form(a, data, tol, relative):
    # b: an independent vector, or a copy of a with a few entries nudged (the common, close case)
    b = data.draw(st.one_of(vector, st.just([v + 1e-12 if type(v) is float else v for v in a])))
    def outcome(f):
        try:
            return f(a, b, tol, relative)
        except ValueError as err:  # e.g. a == b meeting an array inside a list: both must raise
            return type(err)

    assert outcome(values_close) == outcome(reference_close)


@settings(max_examples=1500, deadline=None)
@given(value=st.dictionaries(st.one_of(st.text(max_size=3), st.integers()), st.one_of(vector, element, st.lists(vector, max_size=3))))
def test_to_jsonable_of_a_dict_is_the_plain_form(value):
    got = to_jsonable(value)
    want = {str(k): to_jsonable(v) for k, v in value.items()}
    assert list(got) == list(want)
    for k in want:
        g, w = got[k], want[k]
        assert type(g) is type(w) and repr(g) == repr(w)
