"""The CLI contract (DESIGN.md) through app.test_cli_runner()."""
from __future__ import annotations

import json


def test_corpus_stats_json(runner):
    result = runner.invoke(args=["corpus", "stats", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data["sources"]) == {"goldman-2008", "rogovin-2009", "getty-naumov-1999", "real-stalin-trials-2011",
                                    "real-stalin-fifth-column-2011"}
    trials = data["sources"]["real-stalin-trials-2011"]
    assert trials["citations_complete"] / trials["citations"] >= 0.98


def test_corpus_search_json_keys(runner):
    result = runner.invoke(args=["corpus", "search", "Krestinsky", "--source", "rogovin-2009", "--limit", "3", "--json"])
    hits = json.loads(result.output)
    assert len(hits) == 3
    assert {"passage", "source", "text", "score"} <= set(hits[0])
    assert all(h["source"] == "rogovin-2009" for h in hits)


def test_corpus_locate_hit_and_miss(runner):
    hit = runner.invoke(args=["corpus", "locate", "swallowed the bait supplied by the organizers", "--json"])
    assert hit.exit_code == 0
    data = json.loads(hit.output)
    assert data["found"] is True and data["source"] == "rogovin-2009"
    assert {"passage", "start", "end"} <= set(data)
    miss = runner.invoke(args=["corpus", "locate", "swallowed the hook supplied by the organizers", "--json"])
    assert miss.exit_code == 1
    data = json.loads(miss.output)
    assert data["found"] is False and data["nearest"]["source"] == "rogovin-2009"
    assert data["nearest"]["quote"].startswith("hook")


def test_corpus_locate_plain_miss_message(runner):
    result = runner.invoke(args=["corpus", "locate", "swallowed the hook supplied by the organizers",
                                 "--source", "rogovin-2009"])
    assert result.exit_code == 1
    assert 'not found in rogovin-2009; nearest rogovin-2009:p' in result.output
    assert 'differs at "hook' in result.output


def test_corpus_export_has_every_passage_with_locators(runner, corpus, tmp_path):
    target = tmp_path / "corpus.json"
    result = runner.invoke(args=["corpus", "export", "-o", str(target)])
    assert result.exit_code == 0
    data = json.loads(target.read_text())
    assert len(data["passages"]) == corpus.stats()["passages"]
    record = next(p for p in data["passages"] if p["kind"] == "record")
    assert {"id", "source", "text", "chapter", "page", "kind", "citation"} <= set(record)
    assert {"author", "title", "place", "publisher", "year", "pages"} <= set(record["citation"])


def test_unknown_source_is_a_usage_error(runner):
    result = runner.invoke(args=["corpus", "search", "x", "--source", "nope"])
    assert result.exit_code == 2 and "unknown source 'nope'" in result.output


def test_curriculum_check_passes_and_export_has_the_contract_keys(runner, tmp_path):
    result = runner.invoke(args=["curriculum", "check"])
    assert result.exit_code == 0, result.output
    target = tmp_path / "modules.json"
    assert runner.invoke(args=["curriculum", "export", "-o", str(target)]).exit_code == 0
    (module,) = json.loads(target.read_text())["modules"]
    assert {"id", "title", "question", "excerpts", "exercises", "items", "timeline", "glossary", "version"} <= set(module)
    assert {"id", "source", "text", "passage"} <= set(module["excerpts"][0])
    assert {"id", "skill", "excerpts", "prompt"} <= set(module["exercises"][0])
    single = next(i for i in module["items"] if i["type"] == "single")
    assert {"id", "type", "prompt", "key"} <= set(single) and single["key"] == "a"
    assert {"date", "event", "source"} <= set(module["timeline"][0])
