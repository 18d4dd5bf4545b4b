import ast
from pathlib import Path

SURVEYS = Path(__file__).resolve().parent.parent / "surveys"


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_surveys_never_imports_consult():
    offenders = [
        f"{path.relative_to(SURVEYS.parent)} imports {module}"
        for path in SURVEYS.rglob("*.py")
        for module in imported_modules(path)
        if module == "consult" or module.startswith("consult.")
    ]
    assert offenders == []


def test_the_walk_sees_surveys_modules():
    # Guard against the check above passing because it found no files.
    assert len(list(SURVEYS.rglob("*.py"))) >= 3
