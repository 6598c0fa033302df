"""A quiz question as the student answers it, as HTML, from the keyless view that
:func:`corroborate.quiz.present.student_item` gives.

Built as plain strings rather than through a template: when a class presses Start together, some thousands of
questions are rendered within a second or two, each student in their own order of questions and choices.

Every control is native (radios, checkboxes, selects, text fields), so each item type can be answered with the
keyboard alone and with a screen reader; ordering and matching use selects, never drag and drop; every field has a
label. Texts are escaped here. Prompts and rubric descriptors come from the curriculum build, already sanitized.
A saved answer of the wrong shape (it came from a browser) is shown as no answer rather than breaking the page.

Each choice, and each row of an ordering question, is built once and remembered: the students of a class see the same
choices in many different orders.
"""
from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

ELEMENTS = 16_384          # remembered choices and rows (a module has some hundreds)


def question_html(view: dict, number: int | str, value: object = None) -> Markup:
    item_id, kind = escape(view["id"]), view["type"]
    points = f"{view['points']:g}"
    return Markup(
        f'<li class="item item-{kind}" data-item="{item_id}" data-type="{kind}"><fieldset><legend>'
        f'<span class="number">Question {number}</span> '
        f'<span class="points">{points} point{"" if points == "1" else "s"}</span></legend>'
        f'<div class="prompt" id="prompt-{item_id}">{view["prompt"]}</div>{_CONTROLS[kind](view, value)}'
        '</fieldset></li>')


def _name(view: dict) -> Markup:
    return escape("answer-" + view["id"])


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _choices(view: dict, value: object) -> str:
    name, single = _name(view), view["type"] in ("single", "truefalse")
    chosen = {value} if single and isinstance(value, str) else \
        {v for v in value if isinstance(v, str)} if not single and isinstance(value, list) else set()
    control = "radio" if single else "checkbox"
    hint = "" if single else '<p class="hint">Choose all that apply.</p>'
    return hint + "".join(_choice(control, name, o["id"], o["text"], o["id"] in chosen) for o in view["options"])


@lru_cache(maxsize=ELEMENTS)
def _choice(control: str, name: str, option_id: str, text: str, checked: bool) -> str:
    return (f'<label class="choice"><input type="{control}" name="{name}" value="{escape(option_id)}"'
            f'{" checked" if checked else ""}> {escape(text)}</label>')


def _matching(view: dict, value: object) -> str:
    name, chosen = _name(view), value if isinstance(value, dict) else {}
    rights = view["rights"]
    none_chosen = "".join(_match_option(r["id"], r["text"], False) for r in rights)     # the same in every row
    rows = []
    for left in view["lefts"]:
        field = f'{name}-{escape(left["id"])}'
        options = "".join(_match_option(r["id"], r["text"], chosen[left["id"]] == r["id"]) for r in rights) \
            if left["id"] in chosen else none_chosen
        rows.append(f'<div class="match-row"><label for="{field}">{escape(left["text"])}</label>'
                    f'<select id="{field}" name="{name}" data-left="{escape(left["id"])}">'
                    f'<option value="">— choose —</option>{options}</select></div>')
    return f'<div class="matching">{"".join(rows)}</div>'


@lru_cache(maxsize=ELEMENTS)
def _match_option(right_id: str, text: str, selected: bool) -> str:
    return f'<option value="{escape(right_id)}"{" selected" if selected else ""}>{escape(text)}</option>'


def _ordering(view: dict, value: object) -> str:
    name, elements = _name(view), view["elements"]
    placed = value if isinstance(value, list) else []
    rows = "".join(_order_row(name, e["id"], e["text"], len(elements),
                              placed.index(e["id"]) + 1 if e["id"] in placed else None) for e in elements)
    return f'<p class="hint">Give each a position: 1 for the first.</p><div class="ordering">{rows}</div>'


@lru_cache(maxsize=ELEMENTS)
def _order_row(name: str, element_id: str, text: str, count: int, at: int | None) -> str:
    field = f'{name}-{escape(element_id)}'
    positions = "".join(f'<option value="{p}"{" selected" if at == p else ""}>{p}</option>'
                        for p in range(1, count + 1))
    return (f'<div class="order-row"><select id="{field}" name="{name}" data-element="{escape(element_id)}" '
            f'aria-label="Position of: {escape(text)}"><option value="">–</option>{positions}'
            f'</select><label for="{field}">{escape(text)}</label></div>')


def _short(view: dict, value: object) -> str:
    name = _name(view)
    return (f'<input type="text" id="{name}" name="{name}" aria-labelledby="prompt-{escape(view["id"])}" '
            f'value="{escape(_text(value))}" maxlength="200" autocomplete="off">')


def _cloze(view: dict, value: object) -> str:
    name, filled = _name(view), value if isinstance(value, list) else []
    pieces = []
    for piece in view["pieces"]:
        if "blank" in piece:
            n = piece["blank"]
            typed = _text(filled[n]) if n < len(filled) else ""
            pieces.append(f'<input type="text" class="blank" name="{name}" data-blank="{n}" aria-label="Blank {n + 1}" '
                          f'value="{escape(typed)}" maxlength="80" autocomplete="off">')
        else:
            pieces.append(str(escape(piece["text"])))
    return f'<p class="cloze">{"".join(pieces)}</p>'


def _essay(view: dict, value: object) -> str:
    name = _name(view)
    html = (f'<textarea id="{name}" name="{name}" aria-labelledby="prompt-{escape(view["id"])}" rows="10" '
            f'maxlength="20000">{escape(_text(value))}</textarea>')
    if view.get("rubric"):
        levels = "".join(f'<dt>{escape(level["level"].capitalize())}</dt><dd>{level["descriptor"]}</dd>'
                         for level in view["rubric"])
        html += f'<details class="rubric"><summary>How this is marked</summary><dl>{levels}</dl></details>'
    return html


_CONTROLS = {"single": _choices, "truefalse": _choices, "multiple": _choices, "matching": _matching,
             "ordering": _ordering, "short": _short, "cloze": _cloze, "essay": _essay}
