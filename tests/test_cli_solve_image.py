"""`quizapp solve` takes what a user brings (issue #11 "solve refuses real inputs", #13 H2):
real-sized images as matrices or as files (`--image`), with a stated bound on work."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage
from skimage import data
from skimage.filters import threshold_otsu

from quizapp.cli import main
from solvers import ParamError, solve_params


def solve_json(capsys, *argv) -> dict:
    assert main(["solve", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)[0]


def refused(capsys, *argv) -> str:
    assert main(["solve", *argv]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.splitlines()[0]


@pytest.mark.parametrize("name, picture, suffix", [
    ("camera", data.camera, ".png"),      # a grey photograph
    ("astronaut", data.astronaut, ".jpg"),  # a colour photograph, JPEG
    ("coins", data.coins, ".pgm"),         # a grey photograph, PGM
])
def test_otsu_on_a_photograph_matches_skimage(tmp_path, capsys, name, picture, suffix):
    path = tmp_path / f"{name}{suffix}"
    Image.fromarray(picture()).save(path)
    item = solve_json(capsys, "otsu", "--image", str(path))
    grey = np.asarray(Image.open(path).convert("L"))  # the documented conversion (ITU-R 601-2 luma)
    assert item["params"]["levels"] == 256
    assert np.array_equal(np.asarray(item["params"]["image"]), grey)
    assert item["answer"]["threshold"] == threshold_otsu(grey)


def test_the_303_by_384_image_of_the_issue_is_solved():
    img = np.random.default_rng(3).integers(0, 256, size=(303, 384))
    p = solve_params("otsu", {"image": img.tolist(), "levels": 256})
    assert p.answer["threshold"] == threshold_otsu(img.astype(np.uint8))
    assert "303 x 384, top-left corner shown" in p.question.en  # not 116,352 numbers


def test_sobel_and_morphology_take_an_image_file(tmp_path, capsys):
    img = (np.add.outer(np.arange(40), np.arange(50)) * 2 % 256).astype(np.uint8)
    path = tmp_path / "ramp.png"
    Image.fromarray(img).save(path)
    gx = np.asarray(solve_json(capsys, "sobel", "--image", str(path), "norm=l1")["answer"]["gx"])
    want = ndimage.correlate(img.astype(int), np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]))[1:-1, 1:-1]
    assert np.array_equal(gx, want)
    mask = (img > 60).astype(int)
    out = solve_json(capsys, "morphology", f"image={json.dumps(mask.tolist())}", "operation=erosion")
    expect = ndimage.binary_erosion(mask, np.ones((3, 3)), border_value=0).astype(int)
    assert np.array_equal(np.asarray(out["answer"]["result"]), expect)


def test_image_files_that_cannot_be_used_get_one_sentence(tmp_path, capsys):
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    assert "is not an image Pillow can read" in refused(capsys, "otsu", "--image", str(text))
    assert "There is no image file" in refused(capsys, "otsu", "--image", str(tmp_path / "none.png"))
    big = tmp_path / "big.png"
    Image.new("L", (2000, 1000)).save(big)
    assert "at most 1,000,000 pixels" in refused(capsys, "otsu", "--image", str(big))
    small = tmp_path / "small.png"
    Image.new("L", (8, 8)).save(small)
    assert "takes no image" in refused(capsys, "iou", "--image", str(small))


def test_conv_and_pooling_by_hand_on_a_real_size_image_match_scipy():
    rng = np.random.default_rng(5)
    img = rng.integers(0, 10, size=(300, 400))
    ker = rng.integers(-2, 3, size=(3, 3))
    p = solve_params("conv2d_manual", {"image": img.tolist(), "kernel": ker.tolist(), "stride": 2, "padding": 1})
    want = ndimage.correlate(np.pad(img, 1), ker, mode="constant")[1:-1, 1:-1][::2, ::2]
    assert np.array_equal(np.asarray(p.answer["output"]), want)
    assert len(p.steps) < 45  # the first 36 positions worked, then one sentence for the rest
    pooled = solve_params("pooling_manual", {"image": img.tolist(), "window": 2, "mode": "max"})
    assert np.array_equal(np.asarray(pooled.answer["output"]), img.reshape(150, 2, 200, 2).max(axis=(1, 3)))


@pytest.mark.parametrize("kind, params", [
    ("conv2d_manual", {"kernel": [[1]]}),
    ("pooling_manual", {"window": 2}),
    ("otsu", {"levels": 256}),
    ("sobel", {"norm": "l1"}),
])
def test_past_the_bound_on_work_one_sentence(kind, params):
    with pytest.raises(ParamError) as err:
        solve_params(kind, {**params, "image": np.zeros((1001, 1000), int).tolist()})
    assert "at most 1,000,000 pixels (a bound on work)" in str(err.value)


def test_a_kernel_too_large_for_the_work_bound_is_refused():
    with pytest.raises(ParamError) as err:
        solve_params("conv2d_manual", {"image": np.zeros((1000, 1000), int).tolist(),
                                       "kernel": np.ones((9, 9), int).tolist()})
    assert err.value.param == "kernel" and "solve does at most 50,000,000" in str(err.value)
