"""Cloze: a text with blanks to fill in.

In a module file: ``text:`` with each blank written ``{{answer}}`` or ``{{answer|variant}}``, and optionally the
``excerpt:`` it is taken from; the prompt may be left out ("Fill in the blanks."). The answer is a list of strings,
one per blank (at most 200 characters each), each right when it equals an accepted variant once case, accents,
punctuation and spaces are set aside; a share of the points per blank.

Exported as Moodle ``cloze`` (embedded answers: each blank ``{w:SHORTANSWER:=a~=b}``, weighing points ÷ blanks
when that is whole, else 1), Canvas ``fill_in_multiple_blanks_question`` (``[blank1]``…), and to GIFT only with
one blank (its "missing word" form; more blanks are skipped and the file says so). The quiz page shows a text field
in the text per blank (``items/cloze.html``, ``data-blank`` its number from 0); quiz.js sends the texts in blank
order.
"""
from __future__ import annotations

import html
import re

from .base import Blank, Grade, Item, ItemType, normalize_answer

BLANK = re.compile(r"\{\{([^{}]+)\}\}")
LIMIT = 200


class Cloze(ItemType):
    name, label, template = "cloze", "Fill in the blanks", "items/cloze.html"
    fields = frozenset({"text", "excerpt"})
    default_prompt = "Fill in the blanks."
    qti_type = "fill_in_multiple_blanks_question"

    # --- the module file ---------------------------------------------------------------------------------------------
    def parse(self, reader) -> dict | None:
        fields, where = reader.fields, reader.where
        text = fields.text("text") or ""
        excerpt = fields.text("excerpt", required=False, default=None)
        if excerpt and excerpt not in reader.excerpt_ids:
            reader.error(fields.line_of("excerpt"), f"{where}: unknown excerpt '{excerpt}'")
        pieces: list = []
        position = 0
        for blank in BLANK.finditer(text):
            pieces.append(text[position:blank.start()])
            variants = tuple(v.strip() for v in blank[1].split("|") if v.strip())
            pieces.append(Blank(variants))
            position = blank.end()
        pieces.append(text[position:])
        if not any(isinstance(p, Blank) for p in pieces):
            reader.error(fields.line_of("text"),
                         f"{where}: a cloze text needs at least one blank written {{{{answer}}}}")
            return None
        excerpts = list(fields.texts("excerpts", required=False)) + ([excerpt] if excerpt in reader.excerpt_ids else [])
        return {"cloze": tuple(p for p in pieces if p != ""), "excerpts": tuple(dict.fromkeys(excerpts))}

    def to_json(self, item: Item) -> dict:
        return {"text": [{"blank": list(p.accept)} if isinstance(p, Blank) else p for p in item.cloze]}

    def from_json(self, data: dict) -> dict:
        return {"cloze": tuple(Blank(tuple(p["blank"])) if isinstance(p, dict) else p for p in data.get("text", ()))}

    # --- grading -----------------------------------------------------------------------------------------------------
    def key(self, item: Item) -> list[list[str]]:
        return [list(b.accept) for b in item.blanks]

    def grade(self, item: Item, answer: object) -> Grade:
        given = list(answer) if isinstance(answer, (list, tuple)) else []
        given += [""] * (len(item.blanks) - len(given))
        parts = tuple(normalize_answer(g or "") in {normalize_answer(a) for a in blank.accept}
                      for blank, g in zip(item.blanks, given))
        return Grade(sum(parts) / len(parts) if parts else 0.0, (), parts)

    def answer_problem(self, item: Item, answer: object) -> str | None:
        if not isinstance(answer, list) or len(answer) > len(item.blanks) \
                or not all(isinstance(a, str) and len(a) <= LIMIT for a in answer):
            return f"Send a list of at most {len(item.blanks)} texts, one per blank, each at most {LIMIT} characters."
        return None

    # --- what a student sees -----------------------------------------------------------------------------------------
    def student_view(self, item: Item, layout: dict) -> dict:
        """The text as ``{"text": …}`` and ``{"blank": n}`` pieces (never the accepted answers)."""
        pieces, blank = [], 0
        for piece in item.cloze:
            if isinstance(piece, Blank):
                pieces.append({"blank": blank})
                blank += 1
            else:
                pieces.append({"text": piece})
        return {"pieces": pieces, "blanks": blank}

    def shown_value(self, value: object) -> object:
        return [v if isinstance(v, str) else "" for v in value] if isinstance(value, list) else None

    def answer_from_form(self, view: dict, values: list[str]) -> object:
        return list(values)

    # --- answers and keys in words -----------------------------------------------------------------------------------
    def answer_text(self, item: Item, value: object) -> str:
        return " · ".join(str(v) for v in value) if isinstance(value, list) else str(value)

    def key_text(self, item: Item) -> str:
        return "; ".join(b.accept[0] for b in item.blanks)

    def printed_key(self, item: Item, view: dict) -> str:
        return "; ".join(f"({n + 1}) {' / '.join(b.accept)}" for n, b in enumerate(item.blanks))

    # --- exports -----------------------------------------------------------------------------------------------------
    def to_gift(self, item: Item, gift) -> tuple[str, str, str]:
        """GIFT's "missing word" question: the answers where the one blank is, in the text."""
        if len(item.blanks) > 1:
            raise gift.Unsupported(f"a cloze with {len(item.blanks)} blanks is not supported by GIFT, which allows one")
        at = item.cloze.index(item.blanks[0])
        before = "".join(html.escape(piece, quote=False) for piece in item.cloze[:at])
        after = "".join(html.escape(piece, quote=False) for piece in item.cloze[at + 1:])
        return f"{item.prompt}<p>{before}", gift.accepted(item.blanks[0].accept), f"{after}</p>"

    @staticmethod
    def blank_weight(item: Item) -> int:
        """A blank's weight in Moodle: the item's points shared between its blanks when that is whole, else 1."""
        share = item.points / len(item.blanks)
        return int(share) if share >= 1 and share == int(share) else 1

    def to_moodle_xml(self, item: Item, xml):
        weight = self.blank_weight(item)
        pieces = []
        for piece in item.cloze:
            if isinstance(piece, Blank):
                pieces.append(f"{{{weight}:SHORTANSWER:" + "~".join("=" + xml.embedded(a) for a in piece.accept) + "}")
            else:
                pieces.append(html.escape(piece, quote=False).replace("{", "&#123;"))
        return xml.question("cloze", f"{item.prompt}<p>{''.join(pieces)}</p>", [], mark=len(item.blanks) * weight)

    def to_qti(self, item: Item, qti) -> str:
        """Blanks named ``blank1``, ``blank2``…: a ``response_lid`` each, whose labels are the accepted answers."""
        share, pieces, n = f"{100 / len(item.blanks):.2f}", [], 0
        for piece in item.cloze:
            if not isinstance(piece, Blank):
                pieces.append(html.escape(piece, quote=False))
                continue
            n += 1
            response = qti.sub(qti.presentation, "response_lid", ident=f"response_blank{n}")
            response.append(qti.material(f"blank{n}"))
            labels = [(f"{item.id}-blank{n}-{k}", text) for k, text in enumerate(piece.accept, start=1)]
            qti.choice_list(response, labels)
            for ident, _ in labels:
                qti.condition([qti.varequal(f"response_blank{n}", ident)], score=share, action="Add", last=False)
            pieces.append(f"[blank{n}]")
        return f"{item.prompt}<p>{''.join(pieces)}</p>"

    def to_csv(self, item: Item, csv) -> tuple[str, list[str], list[str]]:
        """The text after the prompt with the blanks numbered, ``(1) ____``, as in the key."""
        pieces, n = [], 0
        for piece in item.cloze:
            if isinstance(piece, Blank):
                n += 1
                piece = f"({n}) ____"
            pieces.append(piece)
        return (f"{csv.plain(item.prompt)} {''.join(pieces)}", [],
                [f"({n}) {' | '.join(blank.accept)}" for n, blank in enumerate(item.blanks, start=1)])
