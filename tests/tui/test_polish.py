"""Rough edges a student cramming at 80x24 ran into, each pinned by the play that found it."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Input

from quizapp.tui.app import Start
from tui_helpers import SIZE, settle, sync


def _visible(screen, selector: str, scroller: str) -> bool:
    """Is the top of ``selector`` inside the scroller's viewport (as drawn now)?"""
    widget = screen.query_one(selector)
    view = screen.query_one(scroller).region
    return view.y <= widget.region.y < view.bottom


@sync
async def test_feedback_of_a_long_drill_is_scrolled_into_view_and_scrolls_by_keys(make_app):
    # A Sobel drill has three matrix fields: the feedback starts below the 24th line.
    app = make_app(Start("practice", mode="drill", target="sobel", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        body = screen.query_one("#body", VerticalScroll)
        for inp in screen.query(Input):
            inp.value = "1 2 3; 4 5 6; 7 8 9"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.state == "graded"
        assert _visible(screen, "#verdict", "#body")
        assert app.focused is body  # the keys scroll the feedback
        before = body.scroll_y
        await pilot.press("pagedown")
        await settle(pilot)
        assert body.scroll_y > before or body.max_scroll_y == before
        await pilot.press("pageup", "pageup", "pageup")
        await settle(pilot)
        assert body.scroll_y < max(before, 1)
        await pilot.press("enter")  # Enter still moves to the next variant
        await settle(pilot)
        assert screen.state == "asking" and isinstance(app.focused, Input)


@sync
async def test_exam_review_scrolls_the_solution_by_keys(make_app):
    from quizapp.tui.screens.result import ExamReviewScreen

    app = make_app(Start("exam", blueprint="mini", seed=3))
    async with app.run_test(size=(80, 8)) as pilot:  # short, so the answer pane overflows
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ExamReviewScreen)
        body = review.query_one("#qbody", VerticalScroll)
        assert app.focused is body and body.max_scroll_y > 0
        await pilot.press("down", "down")
        await settle(pilot)
        assert body.scroll_y == 2 and review.position == 0  # scrolled, same question
        await pilot.press("pagedown")
        await settle(pilot)
        assert review.position == 1 and body.scroll_y == 0


@sync
async def test_a_wrong_options_note_is_said_once(make_app):
    from tui_helpers import text_of

    app = make_app(Start("practice", mode="topic", target="activation"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.session.current.id == "t-relu"
        await pilot.press("2", "enter")  # (-1, 1): "that is tanh's range"
        await settle(pilot)
        shown = "\n".join(text_of(screen, s) for s in ("#message", "#fields"))
        assert shown.count("这是 tanh 的范围") == 1
        assert "A" in text_of(screen, "#message")  # the right letter is still named


def _footer_labels(app) -> set[str]:
    from textual.widgets._footer import FooterKey

    return {key.description for key in app.screen.query(FooterKey)}


@sync
async def test_footer_speaks_the_chosen_language(make_app):
    app = make_app(Start("practice", mode="chapter", target="ch8_detection"))
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        assert {"检查", "下一题", "主页", "帮助"} <= _footer_labels(app)
        assert not {"Check", "Home", "Help"} & _footer_labels(app)
    app = make_app(Start("exam", blueprint="mini", seed=3), data_dir=None)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        app.set_setting("lang", "en")
        await pilot.press("escape")  # home, then back into the exam, now in English
        await settle(pilot)
        app.resume_exam()
        await settle(pilot)
        labels = _footer_labels(app)
        assert {"Flag", "Submit", "Unanswered", "Help"} <= labels and not {"标记", "交卷"} & labels


@sync
async def test_settings_screen_follows_a_language_switch_at_once(make_app):
    from textual.widgets import Label

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("tab", "tab", "down", "enter")  # from the exam date to the language
        await settle(pilot)
        titles = [str(label.render()) for label in app.screen.query(Label)]
        assert titles[0].startswith("Exam date") and "Language" in titles
        assert not any("语言" in t or "考试日期" in t for t in titles)
        assert "Back" in _footer_labels(app)
        assert app.focused is app.screen.query_one("#lang")


@sync
async def test_progress_with_few_answers_promises_a_trend_instead_of_noise(make_app, clock):
    from quizapp.core.storage import Attempt
    from quizapp.tui.screens.progress import ProgressScreen, min_trend

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for score in (1.0, 0.0, 1.0):
            clock.advance(1)
            app.storage.record_attempt(Attempt(at=clock(), mode="practice", item_uid="t-relu",
                                               chapter="ch1_cnn", type="single_choice",
                                               score=score, correct=bool(score), response={}))
        app.open_progress()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        note = str(screen.query_one("#trend-total").render())
        assert f"再答 {min_trend() - 3} 题后显示趋势线" in note
        assert not screen.query(".stat-trend")  # no 3-point sparkline per chapter
        await pilot.press("escape")
        for i in range(min_trend()):
            clock.advance(1)
            app.storage.record_attempt(Attempt(at=clock(), mode="practice", item_uid="t-relu",
                                               chapter="ch1_cnn", type="single_choice",
                                               score=float(i % 2), correct=bool(i % 2), response={}))
        app.open_progress()
        await settle(pilot)
        trend = str(app.screen.query_one("#trend-total").render())
        assert trend and set(trend) <= set("▁▂▃▄▅▆▇█")
        assert app.screen.query(".stat-trend")


def test_question_numbers_are_listed_in_runs():
    from quizapp.tui.screens.exam import number_ranges

    assert number_ranges([0, 2, 3, 4, 5, 8]) == "1, 3-6, 9"
    assert number_ranges([4]) == "5" and number_ranges([]) == ""
    assert number_ranges([3, 1, 2]) == "2-4"  # order does not matter


@sync
async def test_submit_dialog_names_the_unanswered_and_flagged_questions(make_app):
    from tui_helpers import right_response_keys, text_of

    app = make_app(Start("exam", blueprint="mini", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        exam = app.screen.exam
        assert len(exam.items) == 4
        await pilot.press(*right_response_keys(exam.items[0])[:1], "pagedown", "pagedown", "ctrl+f")
        await pilot.press("ctrl+s")
        await settle(pilot)
        question = text_of(app.screen, "#question")
        assert "未作答 3 题：2-4" in question and "标记待复查 1 题：3" in question


def test_review_shows_the_picked_options_text_not_just_its_letter(bank):
    from quizapp.core.items import realise
    from quizapp.tui.screens.result import response_text

    [question] = [q for q in bank.questions if q.id == "t-relu"]
    item = realise(question, seed=1)
    assert response_text(item, {"choice": 1}, "en") == "B. (-1, 1)"
    assert response_text(item, {"choice": None}, "zh") == "-"


@sync
async def test_blank_feedback_in_english_gives_the_english_answer_once(bank):
    from textual.app import App

    from quizapp.core.items import grade_item, realise
    from quizapp.tui.widgets.feedback import FeedbackPanel
    from tui_helpers import text_of

    [q] = [q for q in bank.questions if q.id == "t-fill"]
    blank_type = type(q.blanks[0])
    q = q.model_copy(update={"blanks": [blank_type(accept=["连乘", "multiplicative"]),
                                        blank_type(accept=["指数", "exponentially"])]})
    item = realise(q, seed=1)
    response = {"blanks": ["multiplicative", "linearly"]}
    grade = grade_item(item, response)

    class One(App):
        def compose(self):
            yield FeedbackPanel()

    app = One()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(FeedbackPanel).show(item, grade, "en", response)
        await settle(pilot)
        fields = text_of(app.screen, "#fields")
        assert "✔ blank 1: multiplicative" in fields
        assert "yours linearly  →  right exponentially" in fields and "指数" not in fields
        assert not app.query_one("#message").display  # the per-blank lines say it; no repeat
        app.query_one(FeedbackPanel).show(item, grade, "zh", response)
        await settle(pilot)
        assert "正确 指数" in text_of(app.screen, "#fields")


@sync
async def test_long_key_points_wrap_and_are_ticked_by_number(bank):
    from textual.app import App

    from quizapp.core.items import realise
    from quizapp.tui.widgets.answers import AnswerArea

    [q] = [q for q in bank.questions if q.id == "t-dropout"]
    long_point = q.key_points[1].model_copy(update={
        "en": "Acts like an ensemble of exponentially many thinned sub-networks that share "
              "their weights, averaged at test time by scaling the activations"})
    item = realise(q.model_copy(update={"key_points": [q.key_points[0], long_point]}), seed=1)

    class One(App):
        def compose(self):
            yield AnswerArea(item, "en")

    app = One()
    async with app.run_test(size=SIZE) as pilot:
        from quizapp.core.marking import Suggestion

        form = app.query_one(AnswerArea).form
        form.show_ticks([[Suggestion(True, "found “drop”", "答到"), Suggestion(False, "none", "没有")]])
        await settle(pilot)
        options = list(form.tick_list.query(".option"))
        assert options[1].size.height >= 2  # wrapped, not cut at the edge
        assert options[1].region.right <= SIZE[0]
        assert app.focused is form.tick_list
        assert form.ticked == [False, False]  # nothing is ticked for the student
        await pilot.press("2")  # tick the second point
        assert form.ticked == [False, True]
        assert form.response()["ticked"] == [False, True]


@sync
async def test_feedback_is_brought_into_view_after_ticking_key_points_with_enter(make_app):
    from textual.widgets import TextArea

    app = make_app(Start("practice", mode="topic", target="overfitting"))
    async with app.run_test(size=(80, 12)) as pilot:  # short, so the feedback starts off screen
        await settle(pilot)
        screen = app.screen
        if screen.session.current.type != "short_answer":
            await pilot.press("ctrl+n")
            await settle(pilot)
        screen.query_one(TextArea).focus()
        await pilot.press(*"random drop", "ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # confirm the proposed ticks
        await settle(pilot)
        assert screen.state == "graded"
        assert _visible(screen, "#verdict", "#body")


@sync
async def test_help_wraps_a_long_description_beside_its_keys(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.set_setting("lang", "en")
        await pilot.press("f1")
        await settle(pilot)
        from quizapp.tui.screens.help import KEY_WIDTH, help_table
        from rich.console import Console

        console = Console(width=60, record=True)
        console.print(help_table("en"))
        text = console.export_text().splitlines()
        [i] = [n for n, line in enumerate(text) if "pick an option" in line]
        # the wrapped rest of "pick an option (again to unpick in multiple choice)" is indented
        assert text[i + 1].startswith(" " * (KEY_WIDTH + 2)) and text[i + 1].strip()
        assert app.focused is app.screen.query_one("#dialog")  # ↑↓ scroll the help


def test_help_in_english_has_no_chinese():
    from rich.console import Console

    from quizapp.tui.screens.help import help_table, help_text

    console = Console(width=66, record=True)
    console.print(help_table("en"))
    for shown in (console.export_text(), help_text("en")):
        assert not any("\u3400" <= ch <= "\u9fff" for ch in shown), shown


@sync
async def test_difficulty_is_named_in_the_chosen_language(make_app):
    from tui_helpers import text_of

    app = make_app(Start("practice", mode="drill", target="conv_output", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert "简单" in text_of(screen, "#heading") and "简单" in text_of(screen, "#qhead")
        assert "easy" not in text_of(screen, "#heading") + text_of(screen, "#qhead")
        app.set_setting("lang", "en")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "easy" in text_of(screen, "#heading") and "简单" not in text_of(screen, "#qhead")


@sync
async def test_picker_filters_as_you_type_then_enter_picks(make_app):
    from quizapp.tui.dialogs.picker import PickerScreen
    from quizapp.tui.screens.practice import PracticeScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")  # calculation drill: 45 kinds, more than a screen
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        await pilot.press(*"sob")
        await settle(pilot)
        assert [v for v, _ in picker.matching("sob")] == ["sobel"]
        assert picker.query_one("#picker").option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PracticeScreen) and app.screen.session.target == "sobel"
        await pilot.press("escape", "1")  # chapters: ↓ moves the highlight from the filter box
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.session.target == "ch8_detection"  # second of the two chapters


@sync
async def test_a_long_drill_title_gives_way_to_the_score_at_80_columns(make_app):
    app = make_app(Start("practice", mode="drill", target="cnn_pipeline", difficulty="medium"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.set_setting("lang", "en")
        app.screen.update_top()
        await settle(pilot)
        score = app.screen.query_one("#tally")
        assert str(score.render()) == "answered 0 · right 0"
        assert score.region.right <= SIZE[0] and score.region.width >= len("answered 0 · right 0")


@sync
async def test_vector_fields_hint_the_decimals_asked_for(make_app):
    app = make_app(Start("practice", mode="drill", target="lstm_step", difficulty="medium"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        problem = app.screen.session.current.problem
        inputs = list(app.screen.query(Input))
        assert len(inputs) == len(problem.fields)
        for field, inp in zip(problem.fields, inputs):
            assert field.shape == "vector" and "1, 2, 3" in inp.placeholder
            if field.decimals is not None:
                assert f"保留 {field.decimals} 位小数" in inp.placeholder
        assert any(f.decimals is not None for f in problem.fields)


@sync
async def test_ticking_a_comprehensive_item_starts_at_its_first_short_part(bank):
    from textual.app import App

    from quizapp.core.items import realise
    from quizapp.tui.widgets.answers import AnswerArea, ShortForm

    [q] = [q for q in bank.questions if q.type == "comprehensive"]
    item = realise(q.model_copy(update={"parts": [*q.parts, q.parts[1]]}), seed=1)  # two short parts

    class One(App):
        def compose(self):
            yield AnswerArea(item, "zh")

    app = One()
    async with app.run_test(size=SIZE) as pilot:
        form = app.query_one(AnswerArea).form
        shorts = [f for f in form.forms if isinstance(f, ShortForm)]
        assert len(shorts) == 2
        from quizapp.core.marking import Suggestion

        yes, no = Suggestion(True, "found “a”", "答到：“a”"), Suggestion(False, "none", "没有")
        form.show_ticks([[yes, no], [no, yes]])
        await settle(pilot)
        assert app.focused is shorts[0].tick_list
        # suggestions are shown beside the points, labelled, and nothing is ticked
        assert [s.ticked for s in shorts] == [[False, False], [False, False]]
        assert ["机器建议：✓" in label for label in shorts[0].tick_list.labels] == [True, False]
        assert ["机器建议：✓" in label for label in shorts[1].tick_list.labels] == [False, True]


@sync
async def test_a_long_option_wraps_under_its_own_text(make_app):
    from quizapp.tui.widgets.answers import ChoiceList
    from textual.app import App

    long = "some neurons keep receiving negative inputs, output zero all the time and their " \
           "weights stop updating for good"

    class One(App):
        def compose(self):
            yield ChoiceList(["short", long])

    app = One()
    async with app.run_test(size=(60, 10)) as pilot:
        await settle(pilot)
        from rich.console import Console

        choices = app.query_one(ChoiceList)
        console = Console(width=58, record=True)
        console.print(choices._line(1, long))
        text = console.export_text().splitlines()
        indent = len(choices.mark(1)) + 1
        assert len(text) >= 2 and text[0].startswith("( ) 2/B. some")
        assert all(line.startswith(" " * indent) and line.strip() for line in text[1:])
        cjk = "输入图像在该位置附近出现了与这个卷积核所记录的模式相似的局部结构" * 2
        console = Console(width=40, record=True)
        console.print(choices._line(0, cjk))
        text = console.export_text()
        assert "…" not in text and text.replace("\n", "").replace(" ", "").endswith("局部结构")
        await pilot.press("2")
        assert choices.selected == {1} and choices.mark(1).startswith("(*)")


def test_help_in_chinese_wraps_instead_of_cutting():
    from rich.console import Console

    from quizapp.tui.screens.help import help_table

    console = Console(width=40, record=True)  # narrower than any dialog: forces the wrap
    console.print(help_table("zh"))
    text = console.export_text()
    assert "…" not in text and "离开（考试继续计时" in text.replace("\n", "").replace(" ", "")


@sync
async def test_progress_names_use_the_room_of_a_wide_terminal(make_app, clock):
    from quizapp.core.storage import Attempt
    from quizapp.tui.screens.progress import ProgressScreen

    for size, whole in (((120, 36), True), (SIZE, False)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            app.set_setting("lang", "en")
            clock.advance(1)
            app.storage.record_attempt(Attempt(at=clock(), mode="practice", item_uid="t-relu",
                                               chapter="ch1_cnn", type="single_choice",
                                               score=1.0, correct=True, response={}))
            app.open_progress()
            await settle(pilot)
            assert isinstance(app.screen, ProgressScreen)
            rows = [str(s.render()) for s in app.screen.query(".stat-text")]
            assert any("Convolutional neural networks" in r for r in rows) is whole
            assert all(s.region.right <= size[0] for s in app.screen.query(".stat-text"))


def test_review_names_a_calculations_fields_by_their_label_not_the_solver_name():
    # The exam review said "你的答案：output_size = 28": the solver's field name, in English.
    from quizapp.core.items import drill_item
    from quizapp.tui.screens.result import response_text

    item = drill_item("pool_output", seed=3, difficulty="easy")
    [field] = item.problem.fields
    assert field.name == "output_size"
    assert response_text(item, {"fields": {"output_size": "28"}}, "zh") == f"{field.label.zh} = 28"
    assert response_text(item, {"fields": {"output_size": "28"}}, "en") == f"{field.label.en} = 28"
    assert "output_size" not in response_text(item, {"fields": {"output_size": "28"}}, "both")
