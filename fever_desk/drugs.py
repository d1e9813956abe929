"""The catalogue of medicines whose sale is registered: shipped as data, edited per pharmacy.

A default list ships in ``fever_desk/data/drugs.toml``; a pharmacy that stocks other brands saves its own
copy (``drugs.toml`` beside the settings file), which then replaces the default.  The loader is strict in
the guideline loader's way (unknown keys, wrong types, unknown categories and duplicates are refused,
naming the file, the entry and the key), because a silently dropped drug would silently drop purchasers
from the regulator's list.  Writing is done by hand (the format is tiny) and atomically.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fever_desk.barcode import barcode_problem
from fever_desk.pharmacy import DrugCategory

FILE_NAME = "drugs.toml"
_KEYS = ("name", "category", "unit", "barcode")
_REQUIRED = ("name", "category", "unit")


class CatalogueError(ValueError):
    """A catalogue file that cannot be used; ``str()`` names the file, the entry and the problem."""


@dataclass(frozen=True)
class Drug:
    name: str
    category: DrugCategory
    unit: str = "盒"
    #: The box's EAN-13 code, "" when not known; a scanner's code finds the drug (``find_barcode``).
    barcode: str = ""


def parse_catalogue(text: str, *, file: str) -> list[Drug]:
    """The drugs in a catalogue's TOML text; a byte-order mark (Notepad's UTF-8) is dropped first."""
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{file}: {exc}") from None
    unknown = set(data) - {"drug"}
    if unknown:
        raise CatalogueError(f"{file}: unknown key {sorted(unknown)[0]!r} (expected [[drug]] entries)")
    entries = data.get("drug", [])
    if not isinstance(entries, list):
        raise CatalogueError(f"{file}: drug: must be an array of tables ([[drug]])")
    drugs: list[Drug] = []
    seen: set[str] = set()
    codes: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{file}: drug[{index}]"
        if not isinstance(entry, dict):
            raise CatalogueError(f"{where}: must be a table")
        for key in entry:
            if key not in _KEYS:
                raise CatalogueError(f"{where}.{key}: unknown key (expected one of: {', '.join(_KEYS)})")
        values: dict[str, Any] = {"unit": "盒", **entry}
        for key in _REQUIRED:
            if key not in values:
                raise CatalogueError(f"{where}.{key}: missing")
            if not isinstance(values[key], str) or not values[key].strip():
                raise CatalogueError(f"{where}.{key}: must be a non-empty string")
        try:
            category = DrugCategory(values["category"])
        except ValueError:
            choices = ", ".join(c.value for c in DrugCategory)
            raise CatalogueError(
                f"{where}.category: {values['category']!r} is not one of {choices}"
            ) from None
        name = values["name"].strip()
        if name in seen:
            raise CatalogueError(f"{where}.name: {name!r} is listed twice")
        seen.add(name)
        barcode = values.get("barcode", "")
        if not isinstance(barcode, str) or barcode_problem(barcode.strip()):
            problem = barcode_problem(barcode.strip()) if isinstance(barcode, str) else "must be a string"
            raise CatalogueError(f"{where}.barcode: {barcode!r}: {problem}")
        barcode = barcode.strip()
        if barcode and barcode in codes:
            raise CatalogueError(f"{where}.barcode: {barcode} is listed twice")
        codes.add(barcode)
        drugs.append(Drug(name, category, values["unit"].strip(), barcode))
    return drugs


def find_barcode(drugs: Sequence[Drug], code: str) -> Drug | None:
    """The drug whose box carries ``code``, or None when the catalogue does not know it."""
    return next((drug for drug in drugs if code and drug.barcode == code), None)


def default_catalogue() -> list[Drug]:
    entry = resources.files("fever_desk").joinpath("data", FILE_NAME)
    return parse_catalogue(entry.read_text(encoding="utf-8"), file="fever_desk/data/drugs.toml")


def user_catalogue_path(settings_path: Path) -> Path:
    """The pharmacy's own catalogue lives beside its settings file."""
    return settings_path.parent / FILE_NAME


def load_catalogue(user_path: Path | None) -> list[Drug]:
    """The pharmacy's catalogue when it has saved one, else the shipped default.  Raises CatalogueError."""
    if user_path is not None and user_path.is_file():
        return parse_catalogue(user_path.read_text(encoding="utf-8"), file=str(user_path))
    return default_catalogue()


def render_catalogue(drugs: Sequence[Drug]) -> str:
    """TOML text; JSON string escapes are valid TOML basic strings, so ``json.dumps`` quotes safely."""
    lines = ["# 药品目录 — edited in fever_desk; category: antipyretic | cough | antiviral | antibiotic", ""]
    for drug in drugs:
        lines += [
            "[[drug]]",
            f"name = {json.dumps(drug.name, ensure_ascii=False)}",
            f"category = {json.dumps(drug.category.value)}",
            f"unit = {json.dumps(drug.unit, ensure_ascii=False)}",
            *([f"barcode = {json.dumps(drug.barcode)}"] if drug.barcode else []),
            "",
        ]
    return "\n".join(lines)


def save_catalogue(drugs: Sequence[Drug], path: Path) -> None:
    """Check (by parsing what will be written), then replace the file atomically."""
    from fever_desk.files import write_atomic

    text = render_catalogue(drugs)
    parse_catalogue(text, file=str(path))
    write_atomic(path, text)  # open in another program (Windows): FileInUse, naming it
