"""The docstring examples of the network-arithmetic kinds run (they are the documented formulas)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["solvers.rnn_params", "solvers.cnn_block_params", "solvers.seg_metrics", "solvers.seg_weighted_ce",
           "solvers.train_backprop", "solvers.seg_unet_shapes",
           "solvers.train_transfer_params", "solvers.rnn_lstm_runs"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), verbose=False)
    assert result.attempted > 0 and result.failed == 0
