"""A QTI 2.1 content package (a zip with ``imsmanifest.xml`` and one ``assessmentItem`` file per
question), for Canvas, Blackboard, ONYX, TAO and other systems that import IMS QTI 2.1.

* choices -> ``choiceInteraction`` (multiple answer scored by a mapping: +1/k per right tick,
  -1/w per wrong one, bounded to 0..1); true/false -> a two-option ``choiceInteraction``;
* fill-ins -> one ``textEntryInteraction`` per blank, each accepted form mapped to full marks;
* calculations -> one float ``textEntryInteraction`` per number, scored with an absolute
  tolerance from the asked rounding; each named mistake's wrong value shows its own feedback;
  the worked steps are a feedback shown after answering;
* short answers -> ``extendedTextInteraction`` with the key points in a scorer-only rubric;
* a comprehensive item is one item per part.

Bodies are the XHTML subset QTI allows (no ``style`` attributes; tables have a ``tbody``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from quizapp.core.items import Item, ItemPart
from quizapp.export.answers import Gap, field_gaps, joined
from quizapp.export.common import Context, item_key, item_name, shown_answer, unique_answers
from quizapp.export.html import Style, escape
from solvers import Problem, Text

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAP_RESPONSE = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"


def xhtml(html: str) -> str:
    """The exports' HTML as QTI's XHTML: no style/border attributes, void tags closed, a tbody."""
    html = re.sub(r' (?:style|border)="[^"]*"', "", html)
    html = html.replace("<br>", "<br/>")
    return html.replace("<table>", "<table><tbody>").replace("</table>", "</tbody></table>")


def attr(s: str) -> str:
    return escape(s).replace('"', "&quot;")


@dataclass
class Body:
    """One assessmentItem being built: declarations, body, processing and feedback."""

    identifier: str
    title: str
    lang: str
    declarations: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    processing: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    template: str | None = None

    def xml(self) -> str:
        rp = (f'<responseProcessing template="{self.template}"/>' if self.template
              else f"<responseProcessing>{''.join(self.processing)}</responseProcessing>")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<assessmentItem xmlns="{QTI_NS}" xmlns:xsi="{XSI}" '
                f'xsi:schemaLocation="{QTI_NS} {QTI_XSD}" identifier="{attr(self.identifier)}" '
                f'title="{attr(self.title)}" adaptive="false" timeDependent="false" '
                f'xml:lang="{self.lang}">'
                + "".join(self.declarations)
                + '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float">'
                  "<defaultValue><value>0</value></defaultValue></outcomeDeclaration>"
                + '<outcomeDeclaration identifier="FEEDBACK" cardinality="multiple" '
                  'baseType="identifier"/>'
                + f"<itemBody>{xhtml(''.join(self.body))}</itemBody>{rp}"
                + "".join(self.feedback) + "</assessmentItem>\n")

    def show(self, ident: str, html: str) -> None:
        self.feedback.append(f'<modalFeedback outcomeIdentifier="FEEDBACK" identifier="{ident}" '
                             f'showHide="show">{xhtml(html)}</modalFeedback>')


def _add_feedback(ident: str) -> str:
    return ('<setOutcomeValue identifier="FEEDBACK"><multiple><variable identifier="FEEDBACK"/>'
            f'<baseValue baseType="identifier">{ident}</baseValue></multiple></setOutcomeValue>')


def _add_score(points: str) -> str:
    return ('<setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/>'
            f'<baseValue baseType="float">{points}</baseValue></sum></setOutcomeValue>')


# ----------------------------------------------------------------------------------------------
# Question types
# ----------------------------------------------------------------------------------------------


def _choice(item: Item, b: Body, st: Style) -> None:
    single = item.type == "single_choice"
    ids = [f"C{i + 1}" for i in range(len(item.options))]
    right = [i for i, c in zip(ids, item.options) if c.correct]
    wrong = len(ids) - len(right)
    values = "".join(f"<value>{i}</value>" for i in right)
    if single:
        b.declarations.append('<responseDeclaration identifier="RESPONSE" cardinality="single" '
                              f'baseType="identifier"><correctResponse>{values}</correctResponse>'
                              "</responseDeclaration>")
        b.template = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"
    else:
        # caseSensitive on every mapEntry, identifiers included: QTI 2.1 readers may require it
        entries = "".join(f'<mapEntry mapKey="{i}" mappedValue="{value:.6f}" caseSensitive="true"/>'
                          for i, value in zip(ids, (1 / len(right) if c.correct else -1 / max(wrong, 1)
                                                    for c in item.options)))
        b.declarations.append('<responseDeclaration identifier="RESPONSE" cardinality="multiple" '
                              f'baseType="identifier"><correctResponse>{values}</correctResponse>'
                              '<mapping lowerBound="0" upperBound="1" defaultValue="0">'
                              f"{entries}</mapping></responseDeclaration>")
        b.template = MAP_RESPONSE
    choices = "".join(f'<simpleChoice identifier="{i}">{st.inline(Text(c.zh, c.en))}</simpleChoice>'
                      for i, c in zip(ids, item.options))
    b.body.append(f"<div>{st.statement(item.text)}</div>"
                  f'<choiceInteraction responseIdentifier="RESPONSE" shuffle="true" '
                  f'maxChoices="{1 if single else 0}">{choices}</choiceInteraction>')
    why = "".join(f"<li>{i}. {st.inline(c.why)}</li>" for i, c in zip(ids, item.options) if c.why)
    _solution(b, (f"<ul>{why}</ul>" if why else "") + _explanation(item, st))


def _true_false(item: Item, b: Body, st: Style) -> None:
    value = "TRUE" if item.question.answer else "FALSE"
    b.declarations.append('<responseDeclaration identifier="RESPONSE" cardinality="single" '
                          f'baseType="identifier"><correctResponse><value>{value}</value>'
                          "</correctResponse></responseDeclaration>")
    b.template = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"
    b.body.append(f"<div>{st.statement(item.text)}</div>"
                  '<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">'
                  f'<simpleChoice identifier="TRUE">{st.inline(Text("对", "True"))}</simpleChoice>'
                  f'<simpleChoice identifier="FALSE">{st.inline(Text("错", "False"))}</simpleChoice>'
                  "</choiceInteraction>")
    _solution(b, _explanation(item, st))


def _solution(b: Body, html: str) -> None:
    """Feedback shown after any answer (why, worked steps, explanation)."""
    if not html:
        return
    if b.template is not None:  # a template sets SCORE only: process by hand to show feedback
        b.processing = [_template_rules(b)]
        b.template = None
    b.processing.append(_add_feedback("SOLUTION"))
    b.show("SOLUTION", html)


def _template_rules(b: Body) -> str:
    """match_correct / map_response written out, so feedback rules can follow them."""
    if "cardinality=\"multiple\"" in b.declarations[0]:
        return ('<setOutcomeValue identifier="SCORE"><mapResponse identifier="RESPONSE"/>'
                "</setOutcomeValue>")
    return ('<responseCondition><responseIf><match><variable identifier="RESPONSE"/>'
            '<correct identifier="RESPONSE"/></match><setOutcomeValue identifier="SCORE">'
            '<baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf>'
            "</responseCondition>")


def _blanks(text: Text, blanks, b: Body, st: Style, prefix: str = "") -> None:
    n = len(blanks)
    for i, blank in enumerate(blanks, 1):
        entries = "".join(f'<mapEntry mapKey="{attr(a)}" mappedValue="{1 / n:.6f}" '
                          'caseSensitive="false"/>' for a in unique_answers(blank.accept))
        shown = escape(shown_answer(blank.accept, st.lang))
        b.declarations.append(f'<responseDeclaration identifier="BLANK{i}" cardinality="single" '
                              f'baseType="string"><correctResponse><value>{shown}</value>'
                              f'</correctResponse><mapping defaultValue="0">{entries}</mapping>'
                              "</responseDeclaration>")
        b.processing.append(f'<setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/>'
                            f'<mapResponse identifier="BLANK{i}"/></sum></setOutcomeValue>')
    entry = [f'<textEntryInteraction responseIdentifier="BLANK{i}" expectedLength="12"/>'
             for i in range(1, n + 1)]
    body = _inline_blanks(text.get(st.lang), entry) if st.lang != "both" else None
    if body is None:  # both languages (or blanks that do not line up): boxes listed beneath
        numbered = Text(*(re.sub("____", lambda m, c=iter(range(1, n + 1)): f"__({next(c)})__", t)
                          for t in (text.zh, text.en)))
        body = st.statement(numbered) + "".join(f"<p>({i}) {e}</p>" for i, e in enumerate(entry, 1))
    b.body.append(prefix + body)


def _inline_blanks(s: str, entries: list[str]) -> str | None:
    parts = s.split("____")
    if len(parts) != len(entries) + 1:
        return None
    inline = "".join(e + escape(p) for e, p in zip(entries, parts[1:]))
    return f"<p>{escape(parts[0])}{inline}</p>"


def _calculation(problem: Problem, text: Text, b: Body, st: Style, prefix: str, after: str) -> None:
    per_field = field_gaps(problem)
    total = sum(len(g) for g in per_field)
    body = [prefix, st.statement(text)]
    k = 0
    for gaps in per_field:
        cells = []
        for g in gaps:
            k += 1
            ident = f"NUM{k}"
            cells.append(f'<textEntryInteraction responseIdentifier="{ident}" expectedLength="8"/>')
            _number_rules(ident, g, b, st, 1 / total)
        f = gaps[0].field
        label = st.inline(f.label)
        if f.shape == "matrix":
            width = len(problem.answer[f.name][0]) if len(problem.answer[f.name]) else 1
            rows = [cells[i:i + width] for i in range(0, len(cells), width)]
            body.append(f"<p>{label}</p><table>" + "".join(
                "<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table>")
        else:
            body.append(f"<p>{label}: {', '.join(cells)}</p>")
    b.body.append("".join(body))
    b.processing.append(_add_feedback("SOLUTION"))
    b.show("SOLUTION", st.steps(problem) + after)


def _number_rules(ident: str, g: Gap, b: Body, st: Style, weight: float) -> None:
    b.declarations.append(f'<responseDeclaration identifier="{ident}" cardinality="single" '
                          f'baseType="float"><correctResponse><value>{g.value}</value>'
                          "</correctResponse></responseDeclaration>")
    tol = f"{g.tolerance} {g.tolerance}"
    rules = [f'<responseIf><equal toleranceMode="absolute" tolerance="{tol}">'
             f'<variable identifier="{ident}"/><correct identifier="{ident}"/></equal>'
             f"{_add_score(f'{weight:.6f}')}</responseIf>"]
    for j, (value, labels) in enumerate(g.wrong, 1):
        fid = f"{ident}_M{j}"
        rules.append(f'<responseElseIf><equal toleranceMode="absolute" tolerance="{tol}">'
                     f'<variable identifier="{ident}"/><baseValue baseType="float">{value}</baseValue>'
                     f"</equal>{_add_feedback(fid)}</responseElseIf>")
        b.show(fid, f"<p>{st.inline(g.label)} = {escape(value)}: {st.inline(joined(labels))}</p>")
    b.processing.append(f"<responseCondition>{''.join(rules)}</responseCondition>")


def _essay(text_html: str, key_points, b: Body, st: Style, after: str) -> None:
    b.declarations.append('<responseDeclaration identifier="RESPONSE" cardinality="single" '
                          'baseType="string"/>')
    points = "".join(f"<li>[{k.points:g}] {st.inline(Text(k.zh, k.en))}</li>" for k in key_points)
    b.body.append(f'<rubricBlock view="scorer"><ol>{points}</ol></rubricBlock><div>{text_html}</div>'
                  '<extendedTextInteraction responseIdentifier="RESPONSE" expectedLines="10"/>')
    if after:
        b.processing.append(_add_feedback("SOLUTION"))
        b.show("SOLUTION", after)


def _explanation(item: Item, st: Style) -> str:
    return st.statement(item.explanation) if item.explanation else ""


# ----------------------------------------------------------------------------------------------
# Items -> files
# ----------------------------------------------------------------------------------------------


def _new(ident: str, name: str, st: Style) -> Body:
    return Body(identifier="q_" + ident, title=name, lang="en" if st.lang == "en" else "zh")


def _part(item: Item, part: ItemPart, i: int, st: Style) -> Body:
    b = _new(f"{item_key(item)}-{i}", f"{item_name(item)} ({i})", st)
    prefix = st.part_head(item.text, part.label)
    text = part.text or Text("", "")
    if part.problem is not None:
        _calculation(part.problem, text, b, st, prefix, _explanation(item, st))
    elif part.key_points is not None:
        _essay(prefix + st.statement(text), part.key_points, b, st, _explanation(item, st))
    else:
        _blanks(text, part.blanks, b, st, prefix)
    return b


def items_xml(item: Item, ctx: Context) -> list[Body]:
    st, t = ctx.style, item.type
    if t == "comprehensive":
        ctx.cannot("comprehensive", "exported as one QTI item per part")
        return [_part(item, p, i, st) for i, p in enumerate(item.parts, 1)]
    b = _new(item_key(item), item_name(item), st)
    if t in ("single_choice", "multiple_choice"):
        _choice(item, b, st)
    elif t == "true_false":
        _true_false(item, b, st)
    elif t == "fill_blank":
        _blanks(item.text, item.question.blanks, b, st)
        if item.explanation:
            b.processing.append(_add_feedback("SOLUTION"))
            b.show("SOLUTION", _explanation(item, st))
    elif t == "short_answer":
        _essay(st.statement(item.text), item.question.key_points, b, st, _explanation(item, st))
    elif t == "calculation":
        _calculation(item.problem, item.text, b, st, "", _explanation(item, st))
    else:
        ctx.cannot(t, "this question type has no QTI form yet; not exported")
        return []
    return [b]


def manifest(hrefs: list[tuple[str, str]]) -> str:
    resources = "".join(f'<resource identifier="R_{attr(ident)}" type="imsqti_item_xmlv2p1" '
                        f'href="{href}"><file href="{href}"/></resource>' for ident, href in hrefs)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<manifest xmlns="{CP_NS}" xmlns:xsi="{XSI}" identifier="quizapp-export" '
            f'xsi:schemaLocation="{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd '
            f'{QTI_NS} {QTI_XSD}">'
            "<metadata><schema>QTIv2.1 Package</schema><schemaversion>1.0.0</schemaversion></metadata>"
            f"<organizations/><resources>{resources}</resources></manifest>\n")


def write(items: list[Item], ctx: Context, path) -> None:
    hrefs = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for item in items:
            for b in items_xml(item, ctx):
                href = f"items/{b.identifier}.xml"
                z.writestr(href, b.xml())
                hrefs.append((b.identifier, href))
        z.writestr("imsmanifest.xml", manifest(hrefs))
