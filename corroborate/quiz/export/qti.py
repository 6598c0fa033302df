"""QTI 1.2 for Canvas Classic Quizzes: a zip with ``imsmanifest.xml`` (IMS Content Packaging 1.1.3) and one
assessment, ``<module id>/assessment.xml``, whose items follow the QTI that Canvas itself writes for each type.

Each item is an ``<item>`` whose ``question_type`` is a Canvas type: multiple_choice_question,
multiple_answers_question, true_false_question, matching_question (distractors as extra right-hand answers),
short_answer_question, fill_in_multiple_blanks_question (the blanks written ``[blank1]``, ``[blank2]``… in the text)
and essay_question. Canvas Classic has no ordering question, so an ordering item becomes a matching question that
pairs each element with its position (graded on positions, not on pairs of elements as in Corroborate), and
Canvas has nowhere to keep an essay's rubric for graders; both are listed in the assessment's ``<qticomment>``.
"""
from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Iterable

from lxml import etree

from ...curriculum.model import Module
from ...quiz.items import Blank, Item, element_id
from .common import Sources, general_feedback, number

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
IMSCP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QUESTION_TYPES = {
    "single": "multiple_choice_question", "multiple": "multiple_answers_question",
    "truefalse": "true_false_question", "matching": "matching_question", "ordering": "matching_question",
    "short": "short_answer_question", "cloze": "fill_in_multiple_blanks_question", "essay": "essay_question",
}
ZIP_TIME = (2000, 1, 1, 0, 0, 0)   # fixed, so that the same items always give the same zip
Element = etree._Element


def to_qti_zip(module: Module, items: Iterable[Item], sources: Sources | None = None) -> bytes:
    """The items as a QTI 1.2 zip that Canvas imports ("QTI .zip file") as one Classic quiz."""
    path = f"{module.id}/assessment.xml"
    files = {"imsmanifest.xml": _manifest(module, path), path: _assessment(module, list(items), sources)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def notes(items: Iterable[Item]) -> list[str]:
    """What Canvas Classic cannot take as it is, one line per item concerned."""
    found = []
    for item in items:
        if item.type == "ordering":
            found.append(f"{item.id}: ordering became matching (each element to its position); "
                         "Canvas Classic Quizzes has no ordering question")
        elif item.type == "essay":
            found.append(f"{item.id}: the rubric is not included (Canvas Classic Quizzes has no notes for graders); "
                         "the CSV and Moodle XML exports have it")
    return found


def _tostring(root: Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _manifest(module: Module, path: str) -> bytes:
    manifest = etree.Element(f"{{{IMSCP}}}manifest", nsmap={None: IMSCP, "xsi": XSI},
                             identifier=f"corroborate-{module.id}-{module.version or 'unversioned'}")
    manifest.set(f"{{{XSI}}}schemaLocation", f"{IMSCP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd")
    metadata = etree.SubElement(manifest, f"{{{IMSCP}}}metadata")
    etree.SubElement(metadata, f"{{{IMSCP}}}schema").text = "IMS Content"
    etree.SubElement(metadata, f"{{{IMSCP}}}schemaversion").text = "1.1.3"
    etree.SubElement(manifest, f"{{{IMSCP}}}organizations")
    resources = etree.SubElement(manifest, f"{{{IMSCP}}}resources")
    resource = etree.SubElement(resources, f"{{{IMSCP}}}resource", identifier=f"corroborate-{module.id}",
                                type="imsqti_xmlv1p2", href=path)
    etree.SubElement(resource, f"{{{IMSCP}}}file", href=path)
    return _tostring(manifest)


def _assessment(module: Module, items: list[Item], sources: Sources | None) -> bytes:
    root = etree.Element("questestinterop", nsmap={None: QTI})
    assessment = etree.SubElement(root, "assessment", ident=f"corroborate-{module.id}", title=module.title)
    remarks = notes(items)
    if remarks:
        etree.SubElement(assessment, "qticomment").text = "Not as in Corroborate: " + "; ".join(remarks) + "."
    section = etree.SubElement(assessment, "section", ident="root_section")
    for item in items:
        section.append(_item(module, item, sources))
    for element in root.iter():     # built without a namespace, for brevity: now put every element in QTI's
        element.tag = etree.QName(QTI, etree.QName(element).localname).text
    return _tostring(root)


def _item(module: Module, item: Item, sources: Sources | None) -> Element:
    element = etree.Element("item", ident=item.id, title=item.id)
    fields = etree.SubElement(etree.SubElement(element, "itemmetadata"), "qtimetadata")
    for label, entry in (("question_type", QUESTION_TYPES[item.type]), ("points_possible", number(item.points))):
        field = etree.SubElement(fields, "qtimetadatafield")
        etree.SubElement(field, "fieldlabel").text = label
        etree.SubElement(field, "fieldentry").text = entry
    presentation = etree.SubElement(element, "presentation")
    processing = etree.SubElement(element, "resprocessing")
    outcomes = etree.SubElement(processing, "outcomes")
    etree.SubElement(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    feedback = {"general_fb": general_feedback(module, item, sources)}
    if feedback["general_fb"]:
        _condition(processing, [etree.Element("other")], show="general_fb", last=False)
    text = RESPONSES[item.type](item, presentation, processing, feedback)
    presentation.insert(0, _material(text, rich=True))
    for ident, content in feedback.items():
        if content:
            flow = etree.SubElement(etree.SubElement(element, "itemfeedback", ident=ident), "flow_mat")
            flow.append(_material(content, rich=True))
    return element


def _material(text: str, rich: bool = False) -> Element:
    """``<material><mattext>``: HTML when ``rich``, else plain text."""
    material = etree.Element("material")
    etree.SubElement(material, "mattext", texttype="text/html" if rich else "text/plain").text = text
    return material


def _varequal(response: str, value: str) -> Element:
    element = etree.Element("varequal", respident=response)
    element.text = value
    return element


def _condition(processing: Element, tests: list[Element], score: str | None = None, action: str = "Set",
               show: str | None = None, last: bool = True) -> None:
    """A ``<respcondition>``: when ``tests`` hold, set (or add to) the score and/or show a feedback."""
    condition = etree.SubElement(processing, "respcondition", {"continue": "No" if last else "Yes"})
    etree.SubElement(condition, "conditionvar").extend(tests)
    if score is not None:
        etree.SubElement(condition, "setvar", action=action, varname="SCORE").text = score
    if show:
        etree.SubElement(condition, "displayfeedback", feedbacktype="Response", linkrefid=show)


def _choice_list(response: Element, choices: list[tuple[str, str]]) -> None:
    render = etree.SubElement(response, "render_choice")
    for ident, text in choices:
        etree.SubElement(render, "response_label", ident=ident).append(_material(text))


def _choices(item: Item, presentation: Element, processing: Element, feedback: dict) -> str:
    """Single, multiple and true/false: one ``response_lid``, a label per option (``<item id>-<option id>``)."""
    multiple = item.type == "multiple"
    response = etree.SubElement(presentation, "response_lid", ident="response1",
                                rcardinality="Multiple" if multiple else "Single")
    _choice_list(response, [(f"{item.id}-{o.id}", o.text) for o in item.options])
    for option in item.options:
        if option.feedback:
            ident = f"{item.id}-{option.id}"
            feedback[f"{ident}_fb"] = option.feedback
            _condition(processing, [_varequal("response1", ident)], show=f"{ident}_fb", last=False)
    if multiple:
        every = etree.Element("and")
        for option in item.options:
            test = _varequal("response1", f"{item.id}-{option.id}")
            if option.correct:
                every.append(test)
            else:
                etree.SubElement(every, "not").append(test)
        _condition(processing, [every], score="100")
    else:
        right = next(o for o in item.options if o.correct)
        _condition(processing, [_varequal("response1", f"{item.id}-{right.id}")], score="100")
    return item.prompt


def _pairs(item: Item, presentation: Element, processing: Element, pairs: list[tuple[str, str]],
           rights: list[str]) -> None:
    """Matching: a ``response_lid`` per left-hand text, each offering every right-hand text."""
    idents = {text: f"{item.id}-{element_id('R:' + text)}" for text in rights}
    share = f"{100 / len(pairs):.2f}"
    for left, right in pairs:
        response_id = f"response_{element_id('L:' + left)}"
        response = etree.SubElement(presentation, "response_lid", ident=response_id)
        response.append(_material(left))
        _choice_list(response, [(idents[text], text) for text in rights])
        _condition(processing, [_varequal(response_id, idents[right])], score=share, action="Add", last=False)


def _matching(item: Item, presentation: Element, processing: Element, feedback: dict) -> str:
    _pairs(item, presentation, processing, [(p.left, p.right) for p in item.pairs],
           [text for _, text in item.right_options()])
    return item.prompt


def _ordering(item: Item, presentation: Element, processing: Element, feedback: dict) -> str:
    """Each element matched to its position; the elements listed in an order that is never the answer."""
    shown = sorted(item.sequence, key=element_id)
    if shown == list(item.sequence):
        shown = shown[1:] + shown[:1]
    positions = [str(n) for n in range(1, len(shown) + 1)]
    _pairs(item, presentation, processing, [(text, str(item.sequence.index(text) + 1)) for text in shown], positions)
    return item.prompt + "<p><em>Give each its position in the order: 1 for the first.</em></p>"


def _short(item: Item, presentation: Element, processing: Element, feedback: dict) -> str:
    response = etree.SubElement(presentation, "response_str", ident="response1", rcardinality="Single")
    etree.SubElement(etree.SubElement(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    _condition(processing, [_varequal("response1", text) for text in item.accept], score="100")
    return item.prompt


def _cloze(item: Item, presentation: Element, processing: Element, feedback: dict) -> str:
    """Blanks named ``blank1``, ``blank2``…: a ``response_lid`` each, whose labels are the accepted answers."""
    share, pieces, n = f"{100 / len(item.blanks):.2f}", [], 0
    for piece in item.cloze:
        if not isinstance(piece, Blank):
            pieces.append(html.escape(piece, quote=False))
            continue
        n += 1
        response = etree.SubElement(presentation, "response_lid", ident=f"response_blank{n}")
        response.append(_material(f"blank{n}"))
        labels = [(f"{item.id}-blank{n}-{k}", text) for k, text in enumerate(piece.accept, start=1)]
        _choice_list(response, labels)
        for ident, _ in labels:
            _condition(processing, [_varequal(f"response_blank{n}", ident)], score=share, action="Add", last=False)
        pieces.append(f"[blank{n}]")
    return f"{item.prompt}<p>{''.join(pieces)}</p>"


def _essay(item: Item, presentation: Element, processing: Element, feedback: dict) -> str:
    response = etree.SubElement(presentation, "response_str", ident="response1", rcardinality="Single")
    etree.SubElement(etree.SubElement(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    _condition(processing, [etree.Element("other")])
    return item.prompt


# RESPONSES[type](item, presentation, processing, feedback) adds the item's responses to ``presentation`` and its
# scoring to ``processing``, puts any per-answer feedback (ident → HTML) in ``feedback``, and returns the
# question's HTML.
RESPONSES = {
    "single": _choices,
    "multiple": _choices,
    "truefalse": _choices,
    "matching": _matching,
    "ordering": _ordering,
    "short": _short,
    "cloze": _cloze,
    "essay": _essay,
}
