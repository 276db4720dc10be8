"""`quizapp kinds | generate | solve` driven through the real entry point (quizapp.cli.main)."""

from __future__ import annotations

import json
import re

import pytest

from quizapp.cli import main
from quizapp.cli.calc import read_params
from solvers import all_kinds, get_kind, item_seed, make_problem

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_kinds_table_lists_every_kind_aligned(capsys):
    code, out, _ = run(capsys, "kinds")
    assert code == 0
    lines = out.splitlines()
    ids = [k.id for k in all_kinds()]
    rows = [ln for ln in lines[1:] if ln.strip() and not ln.startswith(f"{len(ids)} kinds")]
    assert [r.split()[0] for r in rows] == ids
    # the description column starts at the same place on every row
    starts = {r.index(get_kind(r.split()[0]).description) for r in rows}
    assert len(starts) == 1 and lines[0].index("DESCRIPTION") in starts


def test_kinds_json(capsys):
    code, out, _ = run(capsys, "kinds", "--format", "json")
    data = json.loads(out)
    assert code == 0 and [d["id"] for d in data] == [k.id for k in all_kinds()]
    first = data[0]
    assert {"id", "topic", "chapter", "title", "description", "params"} <= set(first)


def test_generate_json_items_carry_seeds_that_regenerate_them(capsys):
    code, out, _ = run(capsys, "generate", "conv_output", "--count", "3", "--seed", "11",
                       "--format", "json", "--difficulty", "hard")
    items = json.loads(out)
    assert code == 0 and len(items) == 3
    for i, item in enumerate(items):
        assert item["seed"] == item_seed(11, i) and item["difficulty"] == "hard"
        assert item == json.loads(json.dumps(make_problem("conv_output", item["seed"], "hard").to_dict()))
        # --item-seed prints that item alone, exactly
        _, one, _ = run(capsys, "generate", "conv_output", "--item-seed", str(item["seed"]),
                        "--difficulty", "hard", "--format", "json")
        assert json.loads(one) == [item]


def test_same_command_same_output(capsys):
    argv = ("generate", "all", "--count", "12", "--seed", "3", "--format", "json")
    _, a, _ = run(capsys, *argv)
    _, b, _ = run(capsys, *argv)
    assert a == b
    _, c, _ = run(capsys, "generate", "all", "--count", "12", "--seed", "4", "--format", "json")
    assert c != a


def test_mixed_batch_deals_the_kinds_round_robin(capsys):
    n = len(all_kinds())
    _, out, _ = run(capsys, "generate", "mixed", "--count", str(2 * n), "--seed", "5", "--format", "json")
    items = json.loads(out)
    kinds = [it["kind"] for it in items]
    assert sorted(kinds[:n]) == sorted(k.id for k in all_kinds()) and kinds[n:] == kinds[:n]
    for it in items[:5]:
        assert make_problem(it["kind"], it["seed"], it["difficulty"]).to_dict()["answer"] == it["answer"]


def test_generate_text_shows_statement_answer_and_steps(capsys):
    code, out, _ = run(capsys, "generate", "conv_output", "--count", "2", "--seed", "1")
    p = make_problem("conv_output", item_seed(1, 0), "medium")
    assert code == 0
    assert p.question.zh in out and p.question.en in out
    assert f"output size = {p.answer['output_size']}" in out
    assert p.steps[-1].math in out and "#2" in out


def test_generate_lang_en_has_no_chinese(capsys):
    _, out, _ = run(capsys, "generate", "conv_output", "--count", "3", "--seed", "2", "--lang", "en")
    assert out.strip() and not CJK.search(out)
    _, zh, _ = run(capsys, "generate", "conv_output", "--count", "1", "--seed", "2", "--lang", "zh")
    assert CJK.search(zh) and "Answer" not in zh


def test_solve_key_value(capsys):
    code, out, _ = run(capsys, "solve", "conv_output", "input_size=32", "kernel_size=5", "padding=1")
    assert code == 0 and "output size = 30" in out and "(32 - 5 + 2*1)" in out


def test_solve_json_has_the_shape_of_a_generated_item(capsys):
    code, out, _ = run(capsys, "solve", "conv_output", "--params",
                       '{"input_size": 7, "kernel_size": 3, "stride": 2, "dilation": 2}',
                       "--format", "json")
    item = json.loads(out)[0]
    generated = make_problem("conv_output", 1, "easy").to_dict()
    assert code == 0 and set(item) == set(generated)
    assert item["seed"] is None and item["answer"] == {"output_size": 2}  # floor((7-5)/2)+1


def test_solve_params_from_a_file_overlaid_by_pairs(capsys, tmp_path):
    f = tmp_path / "p.json"
    f.write_text('{"input_size": 28, "kernel_size": 5}', encoding="utf-8")
    _, out, _ = run(capsys, "solve", "conv_output", "--params", f"@{f}", "--format", "json")
    assert json.loads(out)[0]["answer"] == {"output_size": 24}
    _, out, _ = run(capsys, "solve", "conv_output", "--params", f"@{f}", "padding=2", "--format", "json")
    assert json.loads(out)[0]["answer"] == {"output_size": 28}


def test_read_params_reads_json_values_when_it_can():
    assert read_params(["image=[[1,2],[3,4]]", "norm=l1", "input_size=32", "x=0.5", "ok=true"],
                       None) == {"image": [[1, 2], [3, 4]], "norm": "l1", "input_size": 32,
                                 "x": 0.5, "ok": True}


@pytest.mark.parametrize("argv, first_line, more", [
    (("solve", "conv_output", "input_size=abc", "kernel_size=3"),
     "quizapp: conv_output: parameter 'input_size': must be a whole number, got 'abc'.",
     "Parameters of conv_output:"),
    (("solve", "conv_output", "input_size=3", "kernel_size=5"),
     "quizapp: conv_output: parameter 'kernel_size': the effective kernel (5) must fit in the padded input (3).",
     "kernel_size"),
    (("solve", "conv_output", "kernel_size=3"),
     "quizapp: conv_output: parameter 'input_size': is missing.", "input_size"),
    (("solve", "conv_output"), "quizapp: Give the parameters of conv_output.", "input_size"),
    (("solve", "conv_ouptut", "a=1"),
     "quizapp: unknown calculation kind 'conv_ouptut'. Did you mean 'conv_output'?", "quizapp kinds"),
    (("generate", "conv_outptu"),
     "quizapp: unknown calculation kind 'conv_outptu'. Did you mean 'conv_output'?", ""),
    (("solve", "conv_output", "--params", "{bad"), "quizapp: --params is not valid JSON:", ""),
    (("solve", "conv_output", "--params", "[1]"), "quizapp: --params must be a JSON object", ""),
    (("solve", "conv_output", "--params", "@/no/such/file.json"),
     "quizapp: Cannot read the parameter file /no/such/file.json", ""),
    (("solve", "conv_output", "input_size"), "quizapp: 'input_size' is not key=value", ""),
    (("generate", "conv_output", "--count", "0"), "quizapp: --count must be between 1", ""),
    (("generate", "conv_output", "--seed", "-3"), "quizapp: --seed must be a whole number >= 0", ""),
    (("generate", "all", "--item-seed", "5"), "quizapp: --item-seed needs the item's own kind", ""),
])
def test_user_mistakes_get_one_sentence_and_exit_2(capsys, argv, first_line, more):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith(first_line), err
    assert more in err and "Traceback" not in err


def test_numbers_round_half_up_as_a_student_would():
    # Regression: 158.625 printed as 158.62 in the answer while the steps said 158.63.
    from solvers._base import fmt

    assert fmt(158.625, 2) == "158.63"
    assert fmt(0.125, 2) == "0.13" and fmt(-0.125, 2) == "-0.13"
    assert fmt(3.14159, 4) == "3.1416" and fmt(7, 2) == "7"


def test_wrong_values_of_whole_number_fields_keep_their_decimals():
    # Regression: average pooling's 2.75 as a mistake of a max-pooling answer printed as "3".
    from quizapp.cli.calc import _short
    from solvers import AnswerField, Text

    field = AnswerField("out", Text("输出", "output"), integer=True)
    assert _short(field, 2.75) == "2.75" and _short(field, 3) == "3"
