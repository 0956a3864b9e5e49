"""Golden outputs: what a refactoring must leave exactly as it was (issue #24).

The bundled notes and tests/corpus are built at a fixed time; facts.json (without the
fields that explain a decision: ``subject_by``, ``card_rules``), every note of the deck
(GUID, fields, tags) and ``pdftotext -bbox`` of the booklet and three sheets are compared,
by digest, with tests/golden.json. A change meant to alter the outputs updates it:

    CHEATDECK_GOLDEN=update .venv/bin/python -m pytest tests/test_golden.py

and says so in its commit. On a mismatch the outputs are left in the test's temporary
folder (``*.golden.txt``) to diff against a build of the previous commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

from generator.build import build
from generator.options import BuildOptions

from .conftest import ROOT, SOURCE_NOTES

GOLDEN = Path(__file__).parent / "golden.json"
NOW = 1_800_000_000
EXPLAINING = ("subject_by", "card_rules")
"""facts.json fields that only explain a decision: left out of the comparison."""
SHEETS = ("amazon-personalize", "amazon-sagemaker", "responsible-ai-practices-korean")


def _facts(out: Path) -> str:
    document = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    for fact in document["facts"]:
        for name in EXPLAINING:
            fact.pop(name, None)
    return json.dumps(document, ensure_ascii=False, indent=0, sort_keys=True)


def _notes(out: Path, folder: Path) -> str:
    with zipfile.ZipFile(out / "deck.apkg") as package:
        package.extract("collection.anki2", folder)
    with sqlite3.connect(folder / "collection.anki2") as db:
        rows = db.execute("select guid, flds, tags, mod from notes order by guid").fetchall()
    return "\n".join("\x1e".join(map(str, row)) for row in rows)


def _bbox(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _outputs(notes: Path, tmp_path: Path, name: str) -> dict[str, str]:
    folder = tmp_path / name
    shutil.copytree(notes, folder / "notes", ignore=shutil.ignore_patterns("cheatdeck.lock.json"))
    out = folder / "out"
    build([folder / "notes"], out, NOW, BuildOptions())
    found = {"facts.json": _facts(out), "notes": _notes(out, folder)}
    sheets = [f"{slug}.pdf" for slug in SHEETS if (out / "sheets" / f"{slug}.pdf").is_file()]
    for sheet in ["all.pdf", *sheets[:3]] if name == "seeds" else ["all.pdf"]:
        found[sheet] = _bbox(out / "sheets" / sheet)
    for key, text in found.items():
        (folder / f"{key}.golden.txt").write_text(text, encoding="utf-8")
    return found


def test_outputs_are_golden(tmp_path: Path) -> None:
    digests = {
        f"{name}/{key}": hashlib.sha256(text.encode()).hexdigest()
        for name, notes in (("seeds", SOURCE_NOTES), ("corpus", ROOT / "tests" / "corpus"))
        for key, text in _outputs(notes, tmp_path, name).items()
    }
    if os.environ.get("CHEATDECK_GOLDEN") == "update":
        GOLDEN.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
    expected = json.loads(GOLDEN.read_text())
    changed = sorted(key for key in expected if digests.get(key) != expected[key])
    assert changed == [], f"outputs changed (see {tmp_path}/*/*.golden.txt): {changed}"
    assert set(digests) == set(expected)
