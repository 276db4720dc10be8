"""A picture file as the grey image a calculation kind takes (``quizapp solve KIND --image FILE``).

Read with Pillow (PNG, JPEG, PGM/PPM, BMP, TIFF, GIF: whatever it opens) and converted to 8-bit
grey levels 0..255 by Pillow's ``convert("L")``: the ITU-R 601-2 luma transform
L = R*299/1000 + G*587/1000 + B*114/1000, rounded; an alpha channel is dropped, a 16-bit grey
image is scaled to 8 bits. Otsu's threshold on that image follows ``skimage.filters.threshold_otsu``
(pixels <= t are background; the smallest t on a tie), so ``threshold_otsu(np.asarray(
Image.open(f).convert("L")))`` gives the same t.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quizapp.core.errors import InputError
from solvers._params import MAX_PIXELS as MAX_FILE_PIXELS  # refused before decoding, not after


def read_grey_image(path: str | Path) -> list[list[int]]:
    """The file's pixels as rows of grey levels 0..255 (see the module docstring for the conversion)."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    path = Path(path).expanduser()
    try:
        with Image.open(path) as img:
            w, h = img.size
            if w * h > MAX_FILE_PIXELS:
                raise InputError(f"{path.name} is {w} x {h} pixels; solve takes images of at most "
                                 f"{MAX_FILE_PIXELS:,} pixels (a bound on work): shrink it first.")
            grey = _to_grey(img)
    except FileNotFoundError:
        raise InputError(f"There is no image file {path}.") from None
    except UnidentifiedImageError:
        raise InputError(f"{path.name} is not an image Pillow can read (PNG, JPEG, PGM, BMP, TIFF).") from None
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise InputError(f"Cannot read the image {path.name}: {str(exc)[:120]}.") from None
    return np.asarray(grey, dtype=np.uint8).tolist()


def _to_grey(img: Any) -> Any:
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit grey: keep the top 8 bits
        import numpy as np

        arr = np.asarray(img, dtype=np.uint32)
        return (arr >> 8).astype(np.uint8) if arr.max() > 255 else arr.astype(np.uint8)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        img = img.convert("RGBA").convert("RGB")  # drop the alpha channel, then luma
    return img.convert("L")


def with_image(params: dict[str, Any], path: str | Path, params_help: dict[str, str]) -> dict[str, Any]:
    """``params`` with ``image`` read from ``path``; ``levels`` is 256 unless given (8-bit grey)."""
    if "image" not in params_help:
        raise InputError("This kind takes no image, so --image does not apply.")
    if "image" in params:
        raise InputError("Give the image either as image=[[...]] or with --image, not both.")
    out = dict(params, image=read_grey_image(path))
    if "levels" in params_help and "levels" not in out:
        out["levels"] = 256
    return out
