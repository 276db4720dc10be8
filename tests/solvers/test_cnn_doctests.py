"""The examples in the CNN solvers' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import solvers

CNN_MODULES = sorted(m.name for m in pkgutil.iter_modules(solvers.__path__) if m.name.startswith("cnn_"))


def test_the_cnn_modules_are_found():
    assert {"cnn_conv_output", "cnn_pipeline", "cnn_receptive_field"} <= set(CNN_MODULES)


@pytest.mark.parametrize("name", CNN_MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"solvers.{name}")
    result = doctest.testmod(module, verbose=False)
    assert result.failed == 0
    assert result.attempted >= 1, f"{name} has no docstring example"
