"""The pipeline you can see in `ls generator/` (issue #24): each stage a subpackage, lower
stages never import higher ones, and no module imports itself back through others — the
imports inside functions and for type checking included."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
LAYERS = {
    "base": 0,  # errors, options, resources, service, _version: plain data everyone reads
    "notes": 1,  # files → outlines
    "facts": 2,  # outlines → subjects and facts with their ids
    "store": 3,  # the output folder: writes, the ledger, memos, the stamp
    "deck": 4,  # facts → cards → .apkg
    "sheets": 4,  # facts → sheets → PDFs
    "pipeline": 5,  # build (runs the stages), results, report
    "commands": 6,  # the command line
    "entry": 7,  # the package's own __init__ and __main__
}
PIPELINE = {"build", "results", "report"}
ENTRY = {"__init__", "__main__"}


def _modules() -> dict[str, Path]:
    return {
        ".".join(path.relative_to(PACKAGE).with_suffix("").parts): path
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _stage(module: str) -> str:
    head = module.split(".")[0]
    if "." in module:
        return head if head in LAYERS else "base"
    return "pipeline" if head in PIPELINE else "entry" if head in ENTRY else "base"


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules ``module`` imports, anywhere in its file."""
    package = module.split(".")[:-1] if not module.endswith("__init__") else module.split(".")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            target = [*base, *(node.module.split(".") if node.module else [])]
            names = [".".join(target)] + [".".join([*target, a.name]) for a in node.names]
            found |= {name for name in names if name in known}
        elif isinstance(node, ast.ImportFrom | ast.Import):
            for name in [node.module] if isinstance(node, ast.ImportFrom) else []:
                if name and name.startswith("generator."):
                    found |= {name.removeprefix("generator.")} & known
    return found - {module}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules) | {m.removesuffix(".__init__") for m in modules}
    graph = {m: _imports(m, p, known) for m, p in modules.items()}
    return {m.removesuffix(".__init__"): deps for m, deps in graph.items()}


def test_every_stage_is_a_folder_whose_docstring_says_its_input_and_output() -> None:
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders == ["commands", "deck", "facts", "notes", "sheets", "store"]
    for folder in folders:
        doc = importlib.import_module(f"generator.{folder}").__doc__ or ""
        assert "Input:" in doc and "Output:" in doc, folder


def test_lower_stages_never_import_higher_ones() -> None:
    wrong = [
        f"{module} ({_stage(module)}) imports {target} ({_stage(target)})"
        for module, targets in _graph().items()
        for target in targets
        if LAYERS[_stage(target)] > LAYERS[_stage(module)]
        or (LAYERS[_stage(target)] == LAYERS[_stage(module)] and _stage(target) != _stage(module))
    ]
    assert wrong == []


def test_no_import_circles() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                circles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


@pytest.mark.parametrize("module", sorted(_modules()))
def test_every_module_imports(module: str) -> None:
    name = "generator" if module == "__init__" else f"generator.{module}"
    if module.endswith("preload") or module == "__main__":
        pytest.skip("runs as a fork server's preload or as `python -m generator`")
    importlib.import_module(name.removesuffix(".__init__"))


def test_turning_the_store_off_gives_the_same_outputs(tmp_path: Path) -> None:
    """A rebuild that takes memos, laid-out pieces and cached documents from the store
    writes what a build that keeps nothing (--no-cache) writes from scratch: the deck,
    facts.json and the lock byte for byte, every PDF the same pages (``pdftotext -bbox``:
    two builds from scratch do not give byte-identical PDFs either)."""
    import shutil
    import subprocess

    from generator.build import build
    from generator.options import BuildOptions

    corpus = PACKAGE.parent / "tests" / "corpus"
    kept, fresh = tmp_path / "kept", tmp_path / "fresh"
    shutil.copytree(corpus, kept, ignore=shutil.ignore_patterns("cheatdeck.lock.json"))
    build([kept], tmp_path / "out-kept", 1_800_000_000, BuildOptions())
    note = kept / "course-ko.md"
    note.write_text(
        note.read_text(encoding="utf-8") + "\n- 새로 배운 사실 하나.\n", encoding="utf-8"
    )
    shutil.copytree(kept, fresh)  # the same notes and lock, before the second build
    build([kept], tmp_path / "out-kept", 1_800_000_100, BuildOptions())
    build([fresh], tmp_path / "out-fresh", 1_800_000_100, BuildOptions(cache=False))

    def outputs(out: Path) -> dict[str, bytes | str]:
        found: dict[str, bytes | str] = {}
        for path in sorted(out.rglob("*")):
            if path.is_file() and ".cache" not in path.parts and not path.name.startswith("."):
                found[path.relative_to(out).as_posix()] = (
                    subprocess.run(
                        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True
                    ).stdout.decode(errors="replace")
                    if path.suffix == ".pdf"
                    else path.read_bytes()
                )
        return found

    assert outputs(tmp_path / "out-fresh") == outputs(tmp_path / "out-kept")
    assert not (tmp_path / "out-fresh" / ".cache").exists()
    lock = "cheatdeck.lock.json"
    assert (fresh / lock).read_bytes() == (kept / lock).read_bytes()
