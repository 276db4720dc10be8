"""Chinese text wraps between characters (quizapp/tui/cjk_wrap.py), against the installed Textual."""

from __future__ import annotations

import pytest
from textual._cells import cell_len
from textual._wrap import compute_wrap_offsets

from quizapp.tui import cjk_wrap

MIXED = "1/A. 常把遗忘门偏置初始化为较大的正数（如 1），使网络一开始倾向于保留细胞状态中的信息"


def lines(text: str, width: int) -> list[str]:
    offsets = compute_wrap_offsets(text, width, 4)
    bounds = [0, *offsets, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


@pytest.fixture(autouse=True)
def installed():
    import rich._wrap
    import textual._wrap as wrap

    before = wrap.chunks, rich._wrap.words
    assert cjk_wrap.install(), "Textual's or Rich's wrapper moved: cjk_wrap can no longer hook it"
    yield
    wrap.chunks, rich._wrap.words = before


def test_a_mixed_sentence_fills_each_line():
    # Textual alone broke it as '1/A. ' | the Chinese up to '（如 ' | ...: a line of 5 cells.
    got = lines(MIXED, 40)
    assert all(cell_len(line) <= 40 for line in got)
    assert all(cell_len(line) >= 37 for line in got[:-1]), got
    assert "".join(got) == MIXED


@pytest.mark.parametrize("width", range(8, 60, 3))
def test_punctuation_stays_with_its_character_and_latin_words_stay_whole(width):
    text = "使用 ReLU（修正线性单元）时，负半轴的梯度为 0，神经元可能“死亡”。Dropout rate p = 0.5 keeps half."
    for line in lines(text, width)[1:]:
        assert line[0] not in "，。）”、：；？！", (width, line)
    for line in lines(text, width)[:-1]:
        assert line.rstrip()[-1:] not in "（“", (width, line)
    words = [w for w in "ReLU Dropout rate keeps half.".split()]
    joined = "\n".join(lines(text, width))
    assert all(w in joined for w in words if len(w) <= width)


def test_english_text_wraps_exactly_as_textual_wraps_it():
    import textual._wrap as wrap

    text = "Why does dropout reduce overfitting? It stops units from co-adapting, roughly like an ensemble."
    ours = lines(text, 23)
    wrap.chunks = lambda t: ((m.start(), m.end(), m.group(0)) for m in wrap.re_chunk.finditer(t))
    assert ours == lines(text, 23)


def test_chunks_cover_any_text_end_to_end():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list("ab 1，。（）“”「」\t\n常把遗ReLU") + [chr(0x3000), "😀"])

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=alphabet, max_size=40) | st.text(max_size=40))
    def covers(text):
        parts = list(cjk_wrap.chunks(text))
        assert "".join(c for _, _, c in parts) == text
        assert all(a < b for a, b, _ in parts)
        for width in (1, 2, 7):
            for line in text.splitlines():  # Textual wraps line by line
                compute_wrap_offsets(line, width, 4)  # never raises

    covers()


def test_a_static_on_screen_wraps_chinese_between_characters():
    # What the student sees: a Static in an app, not the wrapper alone. Textual alone broke this
    # stem after '（如' and left half the first line empty.
    from textual.app import App
    from textual.widgets import Static

    from tui_helpers import settle, sync

    text = "什么是渗漏单元（leaky unit）？门控 RNN（如 LSTM、GRU）在它的基础上做了什么改进？为什么这能缓解长期依赖问题？"

    class One(App):
        def compose(self):
            yield Static(text, markup=False)

    @sync
    async def run():
        app = One()
        async with app.run_test(size=(60, 8)) as pilot:
            await settle(pilot)
            static = app.query_one(Static)
            lines = [strip.text.rstrip() for strip in static.render_lines(static.region.reset_offset)]
            lines = [line for line in lines if line]
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")
            assert all(cell_len(line) >= 56 for line in lines[:-1]), lines

    run()
