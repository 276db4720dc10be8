"""`quizapp check`: one answer to any bank item, graded as the app grades it, with reasons."""

from __future__ import annotations

import json

import pytest

from quizapp.cli import main
from quizapp.core.bank.loader import load_bank
from quizapp.core.items import grade_item, realise

BANK = load_bank()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def first(qtype: str):
    return next(q for q in BANK.questions if q.type == qtype)


def check_json(capsys, *argv):
    code, out, err = run(capsys, "check", *argv, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert {"item", "part", "score", "max", "points"} <= set(data)
    assert all({"text", "earned", "why"} <= set(p) for p in data["points"])
    return data


def test_single_choice_right_and_wrong(capsys):
    q = first("single_choice")
    right = "ABCDEF"[[c.correct for c in q.choices].index(True)]
    wrong = "ABCDEF"[[c.correct for c in q.choices].index(False)]
    assert check_json(capsys, q.id, "--answer", right)["score"] == 1
    data = check_json(capsys, q.id, "--answer", wrong.lower())
    assert data["score"] == 0 and any("picked, but it is wrong" in p["why"] for p in data["points"])


def test_multiple_choice_takes_letters_in_any_form(capsys):
    q = first("multiple_choice")
    right = "".join("ABCDEFGH"[i] for i, c in enumerate(q.choices) if c.correct)
    assert check_json(capsys, q.id, "--answer", ",".join(right))["score"] == 1
    assert check_json(capsys, q.id, "--answer", right[0])["score"] == 0.5


def test_true_false(capsys):
    q = first("true_false")
    assert check_json(capsys, q.id, "--answer", "T" if q.answer else "F")["score"] == 1
    assert check_json(capsys, q.id, "--answer", "F" if q.answer else "T")["score"] == 0


def test_fill_in_blanks_by_bar(capsys):
    q = next(q for q in BANK.questions if q.type == "fill_blank" and len(q.blanks) == 2)
    answer = "|".join(b.accept[0] for b in q.blanks)
    data = check_json(capsys, q.id, "--answer", answer)
    assert data["score"] == data["max"] and "matches the accepted" in data["points"][0]["why"]


def test_written_answer_says_ticks_are_suggestions_and_matches_the_app(capsys):
    q = BANK.get("seg-spp-002")
    text = "SPP 对特征图做多个层级的最大池化，再拼接成固定长度的向量"
    code, out, _ = run(capsys, "check", q.id, "--answer", text, "--lang", "en")
    assert code == 0 and "suggestions" in out
    data = check_json(capsys, q.id, "--answer", text)
    app = grade_item(realise(q, 0), {"text": text})  # the app's own grading
    assert data["score"] == pytest.approx(app.score * data["max"])
    assert [p["earned"] for p in data["points"]] == [f.correct for f in app.fields]
    assert data["suggested"] is True


def test_calculation_part_by_name_value_pairs(capsys):
    q = next(q for q in BANK.questions if q.type == "comprehensive"
             and q.parts[0].calculation is not None)
    item = realise(q, 0)
    problem = item.parts[0].problem
    from quizapp.core.grading import expected_text
    answer = " ".join(f"{f.name}={expected_text(f, problem.answer[f.name])}" for f in problem.fields)
    data = check_json(capsys, q.id, "--part", "1", "--answer", answer)
    assert data["part"] == 1 and data["score"] == pytest.approx(data["max"])


@pytest.mark.parametrize("argv, words", [
    (["no-such-item", "--answer", "A"], "no question"),
    (["seg-comp-001", "--answer", "x"], "--part"),
    (["seg-comp-001", "--part", "9", "--answer", "x"], "no part 9"),
    (["seg-spp-002", "--part", "1", "--answer", "x"], "no parts"),
    (["cnn-act-011", "--answer", "only one"], "2 blanks"),
    (["det-comp-001", "--part", "1", "--answer", "nosuch=3"], "no field"),
    (["det-comp-001", "--part", "1", "--answer", "just a number"], "name=value"),
])
def test_bad_input_is_one_sentence_and_exit_code_2(capsys, argv, words):
    code, out, err = run(capsys, "check", *argv)
    assert code == 2 and out == ""
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) <= 2


def test_wrong_shaped_choice_answers(capsys):
    q = first("single_choice")
    for bad in ("AB", "Z", "", "x" * 500):
        code, _, err = run(capsys, "check", q.id, "--answer", bad)
        assert code == 2 and len(err) < 300, err
    t = first("true_false")
    assert run(capsys, "check", t.id, "--answer", "maybe")[0] == 2


def test_every_item_type_can_be_checked(capsys):
    for qtype in ("single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer",
                  "calculation", "comprehensive"):
        q = first(qtype)
        argv = [q.id, "--answer", "A" if "choice" in qtype else "T" if qtype == "true_false" else "x"]
        if qtype == "comprehensive":
            argv += ["--part", str(next(i + 1 for i, p in enumerate(q.parts) if p.key_points))]
        code, out, err = run(capsys, "check", *argv)
        if qtype in ("fill_blank", "calculation") and code == 2:
            continue  # 'x' is the wrong shape there: covered above
        assert code == 0, (qtype, err)


def test_a_chinese_answer_is_explained_in_chinese_unless_asked_otherwise(capsys):
    q = BANK.get("seg-spp-002")
    zh_point = q.key_points[0].zh
    _, out, _ = run(capsys, "check", q.id, "--answer", "SPP 对特征图做多层最大池化")
    assert zh_point in out
    _, out, _ = run(capsys, "check", q.id, "--answer", "SPP pools the map at several levels")
    assert q.key_points[0].en in out and zh_point not in out
    _, out, _ = run(capsys, "check", q.id, "--answer", "SPP 对特征图做多层最大池化", "--lang", "en")
    assert q.key_points[0].en in out
