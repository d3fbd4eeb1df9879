"""? and the README show every key: the help is compared with the bindings of every
screen and widget of the app, and the README's key table with the help."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from textual.binding import Binding

import triage.ui
from tests.ui.conftest import make_app, settle
from triage.config import Config
from triage.core.desk import Desk
from triage.ui.app import help_sections
from triage.ui.screens.help import HelpScreen

README = Path(__file__).resolve().parents[2] / "README.md"


def owners() -> list[type]:
    """Every class of the app that declares its own key bindings."""
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(triage.ui.__path__, "triage.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__.startswith("triage.ui") and "BINDINGS" in vars(cls):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def described(cls: type) -> list[Binding]:
    return [b for b in vars(cls)["BINDINGS"] if isinstance(b, Binding) and b.description]


def is_prompt(cls: type) -> bool:
    """A one-line prompt: its only key is escape (said in its own hint)."""
    return all(b.key == "escape" for b in described(cls))


def shown_key(binding: Binding) -> str:
    first = binding.key.split(",")[0]
    if first[-1:].isdigit() and binding.description.endswith(f" {first[-1]}"):
        return first[:-1] + "1…9"
    return binding.key_display or first


def test_the_help_lists_every_binding_of_every_screen_and_pane() -> None:
    rows = {key for _, section in help_sections() for key, _ in section}
    pairs = {(key, text) for _, section in help_sections() for key, text in section}
    missing = []
    for cls in owners():
        if is_prompt(cls):
            continue
        for binding in described(cls):
            key = shown_key(binding)
            if key not in rows:
                missing.append(f"{cls.__name__}: {key} ({binding.description})")
            elif "1…9" not in key and (key, binding.description) not in pairs:
                missing.append(f"{cls.__name__}: {key} described otherwise")
    assert not missing, missing
    assert len(owners()) >= 9


async def test_question_mark_opens_the_help_with_the_desks_own_keys(ui_desk: Desk) -> None:
    app = make_app(ui_desk, Config(poll_seconds=0, keys={"refresh": "f5", "sort": "ctrl+o"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        desk = dict(dict(app.screen.sections)["Desk"])
        assert desk["f5"] == "Refresh" and "R" not in desk
        assert desk["ctrl+o"].startswith("Sort")
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


def readme_keys() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| key | does |") :].split("\n\n")[0]
    keys: set[str] = set()
    for line in table.splitlines()[2:]:
        first_cell = line.split("|")[1]
        keys |= set(re.findall(r"`([^`]+)`", first_cell))
        keys |= {k for cell in re.findall(r"`([^`]+)`", line) for k in cell.split(" ")}
    return keys


def test_the_readme_key_table_has_every_key_of_the_help() -> None:
    keys = readme_keys()
    everywhere = {key for _, section in help_sections() for key, _ in section}
    missing = sorted(everywhere - keys)
    assert not missing, f"README key table lacks {missing}"
