"""DESIGN.md's layers, checked: ui → kiosk → drivers, and the core never imports Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "drivers": ("kiosk", "ui", "central", "PySide6"),
    "kiosk": ("ui", "central", "PySide6"),
    "ui": ("drivers", "central"),  # devices only through the core, the demo's too
    "central": ("ui", "drivers", "PySide6"),
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(package: str) -> None:
    offences = []
    for path in sorted((REPO / package).rglob("*.py")):
        for name in imported_modules(path):
            if name.split(".")[0] in FORBIDDEN[package]:
                offences.append(f"{path.relative_to(REPO)} imports {name}")
    assert offences == []


def test_the_central_service_takes_only_the_contract_from_the_kiosk() -> None:
    offences = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in sorted((REPO / "central").rglob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] == "kiosk"
        and not (name == "kiosk.api" or name.startswith("kiosk.api."))
    ]
    assert offences == []


def test_building_the_core_loads_no_qt(tmp_path: Path) -> None:
    environ = {"KIOSK_STATE_DIR": str(tmp_path)}
    script = (
        "import sys; from kiosk.app import build_core; from kiosk.config import load;"
        f"import kiosk.diag; core = build_core(load(None, {environ!r}), demo=True);"
        "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, "the core imported Qt" + done.stderr
