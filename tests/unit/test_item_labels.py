"""Every question has one stable label — its number in the module's written order (generated questions after the
written ones) and a short title — whatever order an attempt showed it in; a title is never cut inside a word."""
from __future__ import annotations

import shutil
from pathlib import Path

from corroborate.curriculum.build import build_unit
from corroborate.curriculum.serialize import item_from_json, item_json
from corroborate.items import Item
from corroborate.items.base import title_from
from corroborate.items.labels import item_labels, with_references
from corroborate.quiz.analysis import ItemStats, bar_chart_svg

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curriculum"


def item(item_id: str, prompt: str = "A question?", generated: bool = False, title: str | None = None) -> Item:
    return Item(item_id, "short", prompt, "sourcing", accept=("x",), generated=generated, title=title)


def test_a_title_from_the_prompt_is_cut_between_words_never_inside_one():
    prompt = ("<p>Rogovin&#39;s excerpt and the 1985 Getty quotation both refer to the courtroom testimony, "
              "in 1938, of the man who headed the NKVD</p>")
    title = title_from(prompt)
    assert title == "Rogovin's excerpt and the 1985 Getty quotation both refer to…"
    words = set(prompt.replace("&#39;", "'").replace("<p>", "").split())
    assert all(word in words for word in title.rstrip("…").split())          # whole words only
    assert title_from("<p>Who is <em>speaking</em>?</p>") == "Who is speaking?"
    assert len(title_from("x" * 200)) == 61                                  # one endless word: cut, marked


def test_labels_follow_the_written_order_with_generated_items_after_the_written_ones():
    items = [item("q-a", "First?"), item("g-1", "Generated?", generated=True), item("q-b", "Second?", title="Two")]
    labels = item_labels(items)
    assert [str(labels[i]) for i in ("q-a", "q-b", "g-1")] == ["Q1 · First?", "Q2 · Two", "Q3 · Generated?"]
    assert item_labels(reversed(items))["g-1"].number == 3                  # not the order they come in


def test_the_next_item_in_an_explanation_names_the_question_it_means():
    items = [item("q-a", "First?"), item("q-b", "Second & last?")]
    labels = item_labels(items)
    assert with_references("They disagree (see the next item).", "q-a", labels) == \
        "They disagree (see Q2 (Second &amp; last?))."
    assert with_references("As the previous question showed.", "q-b", labels) == "As Q1 (First?) showed."
    assert with_references("See the next item.", "q-b", labels) == "See the next item."     # none after the last


def test_a_title_is_read_from_the_module_file_and_stored_only_when_written(corpus, tmp_path):
    folder = tmp_path / "curriculum"
    folder.mkdir()
    shutil.copy(FIXTURE / "unit.yaml", folder / "unit.yaml")
    sample = (FIXTURE / "sample.md").read_text(encoding="utf-8")
    old = "  - id: q-single\n    type: single\n"
    assert old in sample
    (folder / "sample.md").write_text(sample.replace(old, old + "    title: The bait\n", 1), encoding="utf-8")
    module = build_unit(folder, corpus)[0].modules[0]
    titled = next(i for i in module.items if i.id == "q-single")
    assert titled.title == "The bait" and item_from_json(item_json(titled)).title == "The bait"
    untitled = next(i for i in module.items if i.id == "q-tf")
    assert untitled.title is None and "title" not in item_json(untitled)        # old snapshots read back unchanged
    assert untitled.short_title == "Rogovin accepts Davies' view of the trial."


def test_the_item_analysis_chart_has_a_visible_legend_and_whole_words():
    stats = [ItemStats("q-a", 3, 0.5, 0.2, {})]
    svg = bar_chart_svg(stats, {"q-a": "Q1 · Which documents take a position on the guilt"})
    assert '<g class="legend"' in svg and ">Facility: share of the points earned</text>" in svg
    assert ">Discrimination (higher is better)</text>" in svg
    assert ">Q1 · Which documents take a…</text>" in svg and "Q1 · Which documents take a position" not in svg
