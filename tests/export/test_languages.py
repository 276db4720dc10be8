"""Every format in each single language: the readers still open the file, and only the chosen
language is in it."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from quizapp.export import FORMATS, export

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def sample(items):
    return [i for i in items if i.chapter == "ch8_detection"][:60]


def read_back(fmt: str, path, tmp_path) -> list[str]:
    """The question texts as a reader of the format sees them."""
    if fmt == "moodle":
        root = etree.parse(str(path)).getroot()
        # a gap's accepted answers mix languages on purpose: the text around them is checked
        return [re.sub(r"\{1:[A-Z]+:.*?(?<!\\)\}", "", q.findtext("questiontext/text"))
                for q in root if q.get("type") != "category"]
    if fmt == "gift":
        from pygiftparser import parser

        with open(path, encoding="utf-8") as f:
            return [q.text for q in parser.parseFile(f)]
    if fmt == "qti":
        with zipfile.ZipFile(path) as z:
            ns = {"q": "http://www.imsglobal.org/xsd/imsqti_v2p1"}
            return ["".join(etree.fromstring(z.read(n)).find("q:itemBody", ns).itertext())
                    for n in z.namelist() if n.startswith("items/")]
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(tmp_path / "c.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=False)))
        return [col.get_note(n).fields[0] for n in col.find_notes("")]
    finally:
        col.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_one_language(fmt, lang, sample, bank, tmp_path):
    path = export(fmt, sample, bank, tmp_path / f"out{FORMATS[fmt][1]}", lang).path
    texts = read_back(fmt, path, tmp_path)
    assert len(texts) >= len(sample)
    with_cjk = sum(bool(CJK.search(t or "")) for t in texts)
    if lang == "en":  # a few English statements name classes in both (猫 cat): not our text
        assert with_cjk <= len(texts) * 0.1
    else:
        assert with_cjk >= len(texts) * 0.9
    assert "multilang" not in path.read_bytes().decode("utf-8", "ignore")
