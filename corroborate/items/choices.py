"""What the three types whose answer is a choice among options share (single choice, multiple response,
true/false): options with ids, their order in an attempt, the keyless view, keys in words, Moodle's ``multichoice``
and the Canvas QTI form. Each of the three (``single.py``, ``multiple.py``, ``truefalse.py``) adds what is its own.

Browser side (``quiz.js``): the options are radios (single, true/false) or checkboxes (multiple) named
``answer-<item id>``, whose values are the option ids this attempt shows.
"""
from __future__ import annotations

import secrets
from dataclasses import asdict

from .base import Item, ItemType, Option


class Choices(ItemType):
    shuffled = True             # the options are shown in a seeded shuffle (the written order would give the key)
    several = False             # several options may be right (multiple response)

    # --- the module file ---------------------------------------------------------------------------------------------
    def read_options(self, reader) -> tuple[Option, ...] | None:
        """``options:``, a list of ``{text, correct, feedback}``, given the ids a, b, c… in the written order."""
        fields, where = reader.fields, reader.where
        options, texts = [], set()
        for index, (value, line) in enumerate(fields.items("options")):
            entry = reader.entry(value, f"{where}: option {index + 1}", line, {"text", "correct", "feedback"})
            text = entry.text("text")
            if text and text.casefold() in texts:
                reader.error(line, f"{where}: option '{text}' appears twice")
            texts.add((text or "").casefold())
            options.append(Option(chr(ord("a") + index), text or "", entry.flag("correct"),
                                  entry.text("feedback", required=False, default=None)))
        if len(options) < 2:
            reader.error(fields.line_of("options"), f"{where}: needs at least two options")
            return None
        return tuple(options)

    # --- stored snapshots --------------------------------------------------------------------------------------------
    def to_json(self, item: Item) -> dict:
        return {"options": [asdict(o) for o in item.options]}

    def from_json(self, data: dict) -> dict:
        return {"options": tuple(Option(**o) for o in data.get("options", ()))}

    # --- what a student sees -----------------------------------------------------------------------------------------
    def arrange(self, item: Item, rng, shuffle_options: bool, opaque_ids: bool) -> dict:
        if not self.shuffled:
            return {}
        ids = [o.id for o in item.options]
        if shuffle_options:
            rng.shuffle(ids)
        part: dict = {"options": ids}
        if opaque_ids:
            part["aliases"] = {oid: "c" + secrets.token_hex(5) for oid in ids}
        return part

    def student_view(self, item: Item, layout: dict) -> dict:
        by_id = {o.id: o for o in item.options}
        order = layout["options"].get(item.id, list(by_id))
        alias = layout.get("aliases", {}).get(item.id, {})
        return {"options": [{"id": alias.get(oid, oid), "text": by_id[oid].text} for oid in order]}

    # --- answers and keys in words -----------------------------------------------------------------------------------
    def answer_text(self, item: Item, value: object) -> str:
        return next((o.text for o in item.options if o.id == value), str(value))

    def key_text(self, item: Item) -> str:
        return "; ".join(o.text for o in item.options if o.correct)

    def printed_key(self, item: Item, view: dict) -> str:
        """The letters of the right options as the form prints them: "B", or "A, C"."""
        letters = {o["id"]: chr(65 + n) for n, o in enumerate(view["options"])}
        return ", ".join(sorted(letters[o.id] for o in item.options if o.correct))

    # --- exports -----------------------------------------------------------------------------------------------------
    def multichoice(self, item: Item, xml, grades: dict[str, float]):
        """Moodle's ``multichoice`` question, the options' grades (percent) by option id."""
        settings = xml.fields({"single": "false" if self.several else "true", "shuffleanswers": "true",
                               "answernumbering": "abc", "showstandardinstruction": "1"})
        answers = [xml.answer(grades[o.id], xml.html(o.text), o.feedback) for o in item.options]
        return xml.question("multichoice", item.prompt, settings + xml.combined_feedback() + answers)

    def to_qti(self, item: Item, qti) -> str:
        """One ``response_lid``, a label per option (``<item id>-<option id>``), feedback per option."""
        response = qti.sub(qti.presentation, "response_lid", ident="response1",
                           rcardinality="Multiple" if self.several else "Single")
        qti.choice_list(response, [(f"{item.id}-{o.id}", o.text) for o in item.options])
        for option in item.options:
            if option.feedback:
                ident = f"{item.id}-{option.id}"
                qti.feedback[f"{ident}_fb"] = option.feedback
                qti.condition([qti.varequal("response1", ident)], show=f"{ident}_fb", last=False)
        if self.several:
            every = qti.element("and")
            for option in item.options:
                test = qti.varequal("response1", f"{item.id}-{option.id}")
                if option.correct:
                    every.append(test)
                else:
                    qti.sub(every, "not").append(test)
            qti.condition([every], score="100")
        else:
            right = next(o for o in item.options if o.correct)
            qti.condition([qti.varequal("response1", f"{item.id}-{right.id}")], score="100")
        return item.prompt

    def to_csv(self, item: Item, csv) -> tuple[str, list[str], list[str]]:
        """Options as ``a) text``, the right ones as the key."""
        return (csv.plain(item.prompt), [f"{o.id}) {o.text}" for o in item.options],
                [f"{o.id}) {o.text}" for o in item.options if o.correct])
