"""The seeds are the shared texts, byte for byte, and their metadata is complete and checked."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from corroborate.corpus.formats import FORMATS
from corroborate.corpus.sources import SeedError, load_seeds
from corroborate.corpus.store import Corpus

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "seeds"
# sha256 of the five texts as shipped in ../shared/seeds
EXPECTED = {
    "000_7fde4785078a8dc7.txt": "764380b2479449a7407cebc0afb867f7a9be850e81efb4bff5061bc0532026e3",
    "001_734ae1eeb639bb90.txt": "03fce31f1aef3eecb501d5389ab251ef39746220431cc8e95160d2be08d95c63",
    "002_a7c544aa2a528ca2.txt": "14097081547af064f58b99f04b5d8f682e76cbcf9f58af4b0cbf40147ebd9647",
    "003_9f1b31cf3264713f.txt": "a52a420e67a81b803089fecfb8f182918858d1d690ca9931ae912d299fb7b868",
    "004_74679c296b4caa77.txt": "d0b7ed4df097f30583831393ce1ffb274d22d760b9a67e6029ec45ac90250493",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_is_byte_identical(name):
    assert sha256(ROOT / "seeds" / name) == EXPECTED[name]
    if SHARED.exists():
        assert sha256(SHARED / name) == EXPECTED[name]


def test_sources_yaml_describes_every_seed():
    seeds = load_seeds(ROOT / "seeds", FORMATS)
    assert sorted(s.file for s in seeds.sources) == sorted(EXPECTED)
    getty = seeds.source("getty-naumov-1999")
    assert getty.authors == ("J. Arch Getty", "Oleg V. Naumov")
    assert (getty.year, getty.publisher) == (1999, "Yale University Press, New Haven")
    assert seeds.source("rogovin-2009").translators == ("Frederick S. Choate",)
    for source in seeds.sources:
        assert source.stance.count(". ") >= 1 and source.production


def copy_seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    target.mkdir()
    for path in (ROOT / "seeds").iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    return target


@pytest.mark.parametrize("damage, message", [
    (lambda d: (d / "002_a7c544aa2a528ca2.txt").unlink(), "002_a7c544aa2a528ca2.txt: seed file of source "
                                                         "getty-naumov-1999 is missing"),
    (lambda d: (d / "sources.yaml").write_text("sources: [\n  - id: x\n"), "sources.yaml:2: malformed YAML"),
    (lambda d: (d / "sources.yaml").write_text(
        (ROOT / "seeds" / "sources.yaml").read_text().replace("format: hard-wrapped-ocr", "format: scroll")),
     "source getty-naumov-1999: unknown format 'scroll'"),
    (lambda d: (d / "errata.yaml").write_text("errata:\n  - source: getty-naumov-1999\n    find: no such text\n"
                                              "    replace: no [such] text\n"),
     "errata.yaml:2: 'no such text' not found in getty-naumov-1999"),
    (lambda d: (d / "errata.yaml").write_text("errata: {"), "errata.yaml:1: malformed YAML"),
    (lambda d: (d / "000_7fde4785078a8dc7.txt").write_bytes(b"\xff\xfe broken"), "000_7fde4785078a8dc7.txt: not UTF-8"),
])
def test_bad_seed_input_is_one_clear_line(tmp_path, damage, message):
    seeds = copy_seeds(tmp_path)
    damage(seeds)
    with pytest.raises(SeedError) as error:
        Corpus.open(seeds, tmp_path / "cache")
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_bad_seed_input_from_the_cli_exits_1_without_traceback(tmp_path, monkeypatch):
    from app import create_app
    seeds = copy_seeds(tmp_path)
    (seeds / "sources.yaml").write_text("sources: 3\n")
    monkeypatch.setenv("CORROBORATE_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SEEDS_DIR": str(seeds), "CACHE_DIR": str(tmp_path / "cache"), "SECRET_KEY": "x"})
    result = app.test_cli_runner().invoke(args=["corpus", "stats"])
    assert result.exit_code == 1
    assert "sources.yaml: expected a mapping with a 'sources' list" in result.output
    assert "Traceback" not in result.output
