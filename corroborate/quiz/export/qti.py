"""QTI 1.2 for Canvas Classic Quizzes: a zip with ``imsmanifest.xml`` (IMS Content Packaging 1.1.3) and one
assessment, ``<module id>/assessment.xml``, whose items follow the QTI that Canvas itself writes for each type.

Each item is an ``<item>`` whose ``question_type`` is a Canvas type: multiple_choice_question,
multiple_answers_question, true_false_question, matching_question (distractors as extra right-hand answers),
short_answer_question, fill_in_multiple_blanks_question (the blanks written ``[blank1]``, ``[blank2]``… in the text)
and essay_question. Canvas Classic has no ordering question, so an ordering item becomes a matching question that
pairs each element with its position (graded on positions, not on pairs of elements as in Corroborate), and
Canvas has nowhere to keep an essay's rubric for graders; both are listed in the assessment's ``<qticomment>``.

The package, the assessment and what every item has are written here; each item's responses and scoring, by its
type (``qti_type``, ``to_qti`` and ``qti_note`` in ``corroborate/items/<type>.py``, with the :class:`Writer`).
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from lxml import etree

from ...curriculum.model import Module
from ...items import Item, element_id
from .common import Sources, general_feedback, number

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
IMSCP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
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
    return [note for note in (item.kind.qti_note(item) for item in items) if note]


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
    for label, entry in (("question_type", item.kind.qti_type), ("points_possible", number(item.points))):
        field = etree.SubElement(fields, "qtimetadatafield")
        etree.SubElement(field, "fieldlabel").text = label
        etree.SubElement(field, "fieldentry").text = entry
    presentation = etree.SubElement(element, "presentation")
    processing = etree.SubElement(element, "resprocessing")
    outcomes = etree.SubElement(processing, "outcomes")
    etree.SubElement(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    writer = Writer(presentation, processing, {"general_fb": general_feedback(module, item, sources)})
    if writer.feedback["general_fb"]:
        writer.condition([etree.Element("other")], show="general_fb", last=False)
    text = item.kind.to_qti(item, writer)
    presentation.insert(0, _material(text, rich=True))
    for ident, content in writer.feedback.items():
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


class Writer:
    """One ``<item>`` being written, as an item type's ``to_qti`` (in ``corroborate/items/<type>.py``) sees it: it
    adds its responses to :attr:`presentation`, their scoring to :attr:`processing` (:meth:`condition`) and any
    per-answer feedback (ident → HTML) to :attr:`feedback`."""

    element = staticmethod(etree.Element)
    sub = staticmethod(etree.SubElement)
    material = staticmethod(_material)
    varequal = staticmethod(_varequal)
    choice_list = staticmethod(_choice_list)

    def __init__(self, presentation: Element, processing: Element, feedback: dict[str, str]):
        self.presentation, self.processing, self.feedback = presentation, processing, feedback

    def condition(self, tests: list[Element], score: str | None = None, action: str = "Set",
                  show: str | None = None, last: bool = True) -> None:
        _condition(self.processing, tests, score, action, show, last)

    def text_response(self) -> None:
        """A typed answer: one ``response_str``."""
        response = etree.SubElement(self.presentation, "response_str", ident="response1", rcardinality="Single")
        etree.SubElement(etree.SubElement(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")

    def pairs(self, item: Item, pairs: list[tuple[str, str]], rights: list[str]) -> None:
        """Matching: a ``response_lid`` per left-hand text, each offering every right-hand text."""
        idents = {text: f"{item.id}-{element_id('R:' + text)}" for text in rights}
        share = f"{100 / len(pairs):.2f}"
        for left, right in pairs:
            response_id = f"response_{element_id('L:' + left)}"
            response = etree.SubElement(self.presentation, "response_lid", ident=response_id)
            response.append(_material(left))
            _choice_list(response, [(idents[text], text) for text in rights])
            self.condition([_varequal(response_id, idents[right])], score=share, action="Add", last=False)
