"""The QTI 2.1 package read back with zipfile and lxml: a well-formed manifest listing every item
file, and each assessmentItem checked against the bank and the engine.

The IMS XSDs come with no package this project installs (and this build cannot download them;
their licence terms were not reviewed), so the structure QTI 2.1 requires is checked here
instead: namespaces, declared responses for every interaction, feedback identifiers that exist,
the XHTML subset (no style attributes, a tbody in every table)."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from quizapp.export import export
from quizapp.export.common import item_key

from export_helpers import cells, tolerance

NS = {"q": "http://www.imsglobal.org/xsd/imsqti_v2p1", "cp": "http://www.imsglobal.org/xsd/imscp_v1p1"}
Q = "{%s}" % NS["q"]


@pytest.fixture(scope="module")
def package(tmp_path_factory, items, bank):
    path = tmp_path_factory.mktemp("qti") / "bank.zip"
    export("qti", items, bank, path, "both")
    return zipfile.ZipFile(path)


@pytest.fixture(scope="module")
def parsed(package):
    manifest = etree.fromstring(package.read("imsmanifest.xml"))
    assert manifest.tag == "{%s}manifest" % NS["cp"]
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=NS) == "QTIv2.1 Package"
    out = {}
    for res in manifest.findall("cp:resources/cp:resource", NS):
        assert res.get("type") == "imsqti_item_xmlv2p1"
        href = res.get("href")
        assert res.find("cp:file", NS).get("href") == href
        out[href] = etree.fromstring(package.read(href))
    return out


def by_identifier(parsed) -> dict[str, etree._Element]:
    return {root.get("identifier"): root for root in parsed.values()}


def test_manifest_lists_every_file_once(package, parsed):
    files = {n for n in package.namelist() if n != "imsmanifest.xml"}
    assert files == set(parsed)


def test_items_are_well_formed_qti(parsed):
    for href, root in parsed.items():
        assert root.tag == Q + "assessmentItem" and root.get("adaptive") == "false"
        assert re.fullmatch(r"[A-Za-z_][\w.-]*", root.get("identifier")), root.get("identifier")
        declared = {d.get("identifier") for d in root.findall("q:responseDeclaration", NS)}
        used = {i.get("responseIdentifier") for i in root.iter() if i.get("responseIdentifier")}
        assert used and used == declared, href
        outcomes = {o.get("identifier") for o in root.findall("q:outcomeDeclaration", NS)}
        assert {"SCORE", "FEEDBACK"} <= outcomes
        shown = {f.get("identifier") for f in root.findall("q:modalFeedback", NS)}
        set_ids = {v.text for v in root.iterfind(".//q:responseProcessing//q:baseValue[@baseType='identifier']", NS)}
        assert shown == set_ids, href
        body = root.find("q:itemBody", NS)
        assert not [e for e in body.iter() if e.get("style") is not None]
        assert all(e.get("caseSensitive") in ("true", "false") for e in root.iter(Q + "mapEntry"))
        for table in body.iter(Q + "table"):
            assert table.find("q:tbody", NS) is not None


def test_choices_and_true_false(items, parsed):
    roots = by_identifier(parsed)
    n = 0
    for item in items:
        if item.type not in ("single_choice", "multiple_choice", "true_false"):
            continue
        root = roots["q_" + item_key(item)]
        decl = root.find("q:responseDeclaration", NS)
        correct = [v.text for v in decl.findall("q:correctResponse/q:value", NS)]
        if item.type == "true_false":
            assert correct == ["TRUE" if item.question.answer else "FALSE"]
            continue
        choices = root.findall(".//q:choiceInteraction/q:simpleChoice", NS)
        assert len(choices) == len(item.question.choices)
        for ch, c in zip(choices, item.question.choices):
            assert c.en in "".join(ch.itertext())
            assert (ch.get("identifier") in correct) == c.correct
        if item.type == "multiple_choice":
            assert decl.get("cardinality") == "multiple"
            mapped = [float(e.get("mappedValue")) for e in decl.findall("q:mapping/q:mapEntry", NS)]
            assert abs(sum(m for m in mapped if m > 0) - 1) < 1e-4
            assert abs(sum(m for m in mapped if m < 0) + 1) < 1e-4
        n += 1
    assert n > 100



def test_calculations_values_tolerances_and_mistake_feedback(items, parsed):
    roots = by_identifier(parsed)
    checked = 0
    for item in items:
        if item.type != "calculation":
            continue
        p = item.problem
        root = roots["q_" + item_key(item)]
        expected = [(v, tolerance(f)) for f in p.fields for v in cells(p.answer[f.name])]
        decls = root.findall("q:responseDeclaration", NS)
        assert len(decls) == len(expected)
        conditions = root.findall("q:responseProcessing/q:responseCondition", NS)
        for decl, cond, (value, tol) in zip(decls, conditions, expected):
            assert decl.get("baseType") == "float"
            assert abs(float(decl.findtext("q:correctResponse/q:value", namespaces=NS)) - value) <= tol + 1e-9
            equal = cond.find("q:responseIf/q:equal", NS)
            assert equal.get("toleranceMode") == "absolute"
            assert abs(float(equal.get("tolerance").split()[0]) - tol) < 1e-12
            for alt in cond.findall("q:responseElseIf", NS):  # a named mistake: wrong value, feedback
                wrong = float(alt.findtext("q:equal/q:baseValue", namespaces=NS))
                assert abs(wrong - value) > tol
        labels = {m.label.en for m in p.mistakes}
        for fb in root.findall("q:modalFeedback", NS):
            text = "".join(fb.itertext())
            if fb.get("identifier") == "SOLUTION":
                assert p.steps[0].en in text
            else:
                assert any(lab in text for lab in labels)
        checked += 1
    assert checked > 50


def test_fill_ins_and_essays(items, parsed):
    roots = by_identifier(parsed)
    for item in items:
        if item.type == "fill_blank":
            root = roots["q_" + item_key(item)]
            decls = root.findall("q:responseDeclaration", NS)
            assert len(decls) == len(item.question.blanks)
            for decl, blank in zip(decls, item.question.blanks):
                keys = {e.get("mapKey").casefold() for e in decl.findall("q:mapping/q:mapEntry", NS)}
                assert keys == {a.casefold() for a in blank.accept}
                assert all(e.get("caseSensitive") == "false" for e in decl.findall("q:mapping/q:mapEntry", NS))
        elif item.type == "short_answer":
            root = roots["q_" + item_key(item)]
            assert root.find(".//q:extendedTextInteraction", NS) is not None
            rubric = root.find("q:itemBody/q:rubricBlock", NS)
            assert rubric.get("view") == "scorer"
            assert all(kp.en in "".join(rubric.itertext()) for kp in item.question.key_points)
