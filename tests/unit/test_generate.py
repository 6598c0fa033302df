"""Generated items: one test per kind and per quality rule, on the shipped modules."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from corroborate.curriculum.build import build_unit
from corroborate.curriculum.markup import plain
from corroborate.items import Blank, Item, Option, grade
from corroborate.quiz.generate import STOPWORDS, generate, quality_problems

CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum"


@pytest.fixture(scope="module")
def modules(corpus):
    unit, _ = build_unit(CURRICULUM, corpus)
    return unit.modules


@pytest.fixture(scope="module")
def sources(corpus):
    return {s.id: s for s in corpus.sources}


@pytest.fixture(scope="module")
def generated(modules, sources):
    return {m.id: generate(m, sources, seed=0) for m in modules}


def kind(items, name):
    return [i for i in items if i.id.startswith(f"gen-{name}-")]


def test_generation_is_deterministic_and_marked(modules, sources, generated):
    for module in modules:
        again = generate(module, sources, seed=0)
        assert again == generated[module.id]
        assert all(i.generated for i in again)
    other_seed = generate(modules[0], sources, seed=1)
    assert {i.id for i in other_seed} & {i.id for i in generated[modules[0].id]}          # same questions ...
    assert [[o.text for o in i.options] for i in other_seed] != \
        [[o.text for o in i.options] for i in generated[modules[0].id]]                  # ... in another order


def test_attribution_uses_the_modules_other_sources_as_distractors(modules, generated, sources):
    module = modules[0]
    items = kind(generated[module.id], "source")
    assert len(items) == len(module.excerpts)
    labels = {sources[s].label for s in module.sources}
    for item in items:
        assert {o.text for o in item.options} <= labels
        excerpt = module.excerpt(item.excerpts[0])
        right = next(o.text for o in item.options if o.correct)
        assert right == sources[excerpt.source].label


def test_who_wrote_it_names_the_original_author_of_compilation_quotes(modules, generated):
    items = kind(generated["confessions"], "author") + kind(generated["confessions"], "writer")
    rights = {next(o.text for o in i.options if o.correct) for i in items}
    assert {"Joseph E. Davies", "Walter Duranty"} <= rights
    for item in kind(generated["confessions"], "author"):       # distractors are people too
        assert all(re.match(r"^[A-Z][\w. ,'-]+$", o.text) for o in item.options)


def test_a_translator_or_editor_named_by_the_citation_line_is_never_keyed_as_the_writer(modules, generated):
    """The citation lines of Stalin's June 1937 speech ("Lucas and Ukas. Trans. and Ed.") and of the Kaganovich-Yezhov
    report ("Shabad, Steven, trans.") name translators: the writer asked for is the excerpt's author."""
    records = [(m.id, e) for m in modules for e in m.excerpts if e.locator and e.locator.citation]
    translated = [(module_id, e) for module_id, e in records
                  if e.locator.citation.get("author") in (e.locator.citation.get("translators") or "")]
    assert translated, "no record of a translated document in the shipped modules"
    for module_id, excerpt in translated:
        asked = [i for i in generated[module_id] if i.excerpts == (excerpt.id,)
                 and (i.id.startswith("gen-author-") or i.id.startswith("gen-writer-"))]
        keys = {next(o.text for o in i.options if o.correct) for i in asked}
        assert keys <= {excerpt.author}, (excerpt.id, keys)
        wording = " ".join(plain(i.prompt) for i in generated[module_id]
                           if i.excerpts == (excerpt.id,)).replace(excerpt.author, "the writer")
        translator = re.split(r"[ ,]", excerpt.locator.citation["author"])[0]         # "Shabad", "Lucas"
        assert f"by {translator}" not in wording and f"{translator}'s account" not in wording, wording


def test_sourcing_years_translation_and_second_hand(modules, generated, sources):
    items = generated["kirov"]
    years = kind(items, "years")
    assert years and all(o.text.isdigit() for i in years for o in i.options)       # years with years
    kirov = next(m for m in modules if m.id == "kirov")
    translation = {i.excerpts[0]: i.key() for i in kind(items, "translation")}
    second_hand = {i.excerpts[0]: i.key() for i in kind(items, "second-hand")}
    for excerpt in kirov.excerpts:
        record = bool(excerpt.locator.citation)
        assert second_hand[excerpt.id] == ("true" if record else "false"), excerpt.id
        if not record:
            source = sources[excerpt.source]
            translated = source.documents_translated if excerpt.author else source.translated
            assert translation[excerpt.id] == str(translated).lower(), excerpt.id
    assert {"true", "false"} <= set(second_hand.values()) and {"true", "false"} <= set(translation.values())


def test_perspective_matching_pairs_excerpts_with_stances(generated, sources):
    (item,) = kind(generated["kirov"], "stance")
    assert item.type == "matching" and len(item.pairs) >= 3
    stances = {s.stance.split(". ")[0].rstrip(".") + "." for s in sources.values()}
    assert all(p.right in stances for p in item.pairs)


def test_chronology_orders_four_to_six_timeline_events(modules, generated):
    for module in modules:
        (item,) = kind(generated[module.id], "chronology")
        assert 4 <= len(item.sequence) <= 6
        dates = [next(t.date for t in module.timeline if t.event == e) for e in item.sequence]
        assert dates == sorted(dates)


def test_cloze_blanks_telling_words_never_stopwords_or_give_aways(generated):
    items = [i for m in generated.values() for i in kind(m, "cloze")]
    assert items
    for item in items:
        rest = " ".join(p for p in item.cloze if isinstance(p, str)).lower()
        for blank in item.blanks:
            word = blank.accept[0]
            assert word.lower() not in STOPWORDS
            assert not re.search(rf"\b{re.escape(word.lower())}\b", rest)
        assert grade(item, [b.accept[0] for b in item.blanks]).score == 1.0


def test_corroboration_only_from_explicit_claim_tags(modules, generated):
    for module in modules:
        for item in kind(generated[module.id], "agree"):
            claim = next(c for c, statement in module.claims.items() if statement.rstrip(".") in plain(item.prompt))
            position = "yes" if "agree that" in item.prompt else "no"
            by_label = {(e.title or e.source): e for e in module.excerpts}
            for option in item.options:
                excerpt = by_label[option.text]
                assert option.correct == (excerpt.claims.get(claim) == position)


def test_every_generated_item_passes_the_quality_rules(generated):
    for items in generated.values():
        ids = [i.id for i in items]
        assert len(ids) == len(set(ids))
        prompts = [(i.type, i.prompt, tuple(o.text for o in i.options)) for i in items]
        assert len(prompts) == len(set(prompts))
        assert all(quality_problems(i) == [] for i in items)


def single(options, prompt="<p>Which source?</p>"):
    return Item("x", "single", prompt, "sourcing", options=tuple(
        Option(chr(97 + n), text, correct) for n, (text, correct) in enumerate(options)))


@pytest.mark.parametrize("item, problem", [
    (single([("Rogovin (2009)", True), ("Rogovin (2009)", False)]), "duplicate options"),
    (single([("Rogovin (2009)", True), ("Goldman (2008)", True)]), "exactly one correct option"),
    (single([("Goldman (2008)", True), ("Rogovin (2009)", False)], "<p>Did Goldman (2008) write it?</p>"),
     "the stem reveals the answer"),
    (single([("A historian who worked for years in the party archives of Moscow and Leningrad", True),
             ("A compiler", False), ("A witness", False)]), "the correct option is much the longest"),
    (Item("x", "cloze", "<p>Fill</p>", "close-reading", cloze=("The ", Blank(("the",)), " NKVD")), "blanks a stopword"),
    (Item("x", "cloze", "<p>Fill</p>", "close-reading", cloze=("The ", Blank(("NKVD",)), " arrested NKVD men")),
     "gives away"),
])
def test_each_quality_rule_catches_its_problem(item, problem):
    assert any(problem in p for p in quality_problems(item))


def test_compiler_heading_items_ask_whether_the_passage_supports_the_claim(modules, generated):
    items = [i for m in generated.values() for i in kind(m, "heading")]
    assert items and all(i.type == "essay" and [lv.level for lv in i.rubric] == ["proficient", "emergent", "basic"]
                         for i in items)
    first_trial = next(m for m in modules if m.id == "first-trial")
    record = next(e for e in first_trial.excerpts if e.locator.heading)
    (item,) = [i for i in kind(generated["first-trial"], "heading") if i.excerpts == (record.id,)]
    assert record.locator.heading.title()[:20] in plain(item.prompt)
    assert "does the passage itself support it?" in item.prompt


def _fixture_module(corpus, tmp_path, name):
    """A gate fixture, loaded and located (it fails other gates, so it is not built)."""
    from corroborate.curriculum.build import load_all
    folder = tmp_path / "curriculum"
    folder.mkdir()
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "curriculum" / "gates" / f"{name}.md"
    (folder / f"{name}.md").write_text(fixture.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "unit.yaml").write_text(f"title: T\nintroduction: I\nmodules: [{name}]\n", encoding="utf-8")
    return load_all(folder, corpus)[1][0]


def test_a_document_printed_in_a_book_is_attributed_to_its_writer_not_to_the_book(corpus, tmp_path, sources):
    module = _fixture_module(corpus, tmp_path, "kirov-leaks")     # cc-letter: author: The Central Committee ...
    items = generate(module, sources, seed=0)
    (writer,) = [i for i in kind(items, "writer") if i.excerpts == ("cc-letter",)]
    right = next(o.text for o in writer.options if o.correct)
    assert right == "The Central Committee of the party"
    assert "J. Arch Getty, Oleg V. Naumov" in {o.text for o in writer.options if not o.correct} or \
        sources["getty-naumov-1999"].byline in {o.text for o in writer.options if not o.correct}
    (source_item,) = [i for i in kind(items, "source") if i.excerpts == ("cc-letter",)]
    explanation = plain(source_item.explanation)
    assert explanation.startswith("It was written by The Central Committee of the party and is printed in Getty")
    assert "did not write it" in explanation
    second_hand = [i for i in kind(items, "second-hand") if i.excerpts == ("cc-letter",)]
    assert "a document by The Central Committee of the party" in plain(second_hand[0].explanation)


def test_without_an_author_the_books_author_is_named_as_the_writer(corpus, tmp_path, sources):
    module = _fixture_module(corpus, tmp_path, "kirov-leaks")
    items = generate(module, sources, seed=0)
    (source_item,) = [i for i in kind(items, "source") if i.excerpts == ("goldman",)]
    assert plain(source_item.explanation).startswith(f"It was written by {sources['goldman-2008'].byline}:")
    assert not [i for i in kind(items, "writer") if i.excerpts == ("goldman",)]


def test_the_authors_own_text_of_a_documentary_history_is_not_a_translation_its_documents_are(modules, generated):
    """Getty & Naumov wrote their commentary in English; the Soviet documents they print are translated."""
    for module in modules:
        translation = {i.excerpts[0]: i.key() for i in kind(generated[module.id], "translation")}
        for excerpt in module.excerpts:
            if excerpt.source == "getty-naumov-1999":
                assert translation[excerpt.id] == ("true" if excerpt.author else "false"), (module.id, excerpt.id)


def test_explanations_render_the_sources_markdown_rather_than_showing_asterisks(generated):
    """Rogovin's description names his Russian title in *italics*: students see italics, not asterisks."""
    explanations = [i.explanation for items in generated.values() for i in kind(items, "translation")]
    assert any("<em>Partiia rasstreliannykh</em>" in e for e in explanations)
    assert not any("*" in plain(e) for e in explanations)
