"""The station's settings file, found and read the same way by the desk and by every command.

:func:`recover_settings` is how the desk starts on a damaged file without losing the station's identity;
the commands use :func:`load_station_settings`, which refuses a damaged file with the line it broke at.
"""

from __future__ import annotations

import os
from pathlib import Path

from fever_desk.i18n import set_language, tr
from fever_desk.settings import Settings, SettingsError, load_settings


def config_path() -> Path:
    """``FEVER_DESK_CONFIG`` names a settings file (tests, two stations on one PC); else the platform's."""
    override = os.environ.get("FEVER_DESK_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("fever-desk", appauthor=False)) / "settings.json"


def load_station_settings(path: Path | None = None) -> Settings:
    settings = load_settings(path or config_path())
    set_language(settings.language)
    return settings


class StationIdUnrecoverable(SettingsError):
    """The damaged settings file no longer shows which station this is: the desk will not guess."""


def recover_settings(path: Path, *, check_guideline: bool = True) -> tuple[Settings, list[str]]:
    """Settings for the desk even when the file is damaged or names something this build lacks.

    A nurse cannot repair a JSON file: the desk starts on defaults, keeps the damaged file beside the
    new one for IT (nothing is deleted), and says so in the window, naming the broken line.  The
    defaults keep the *station id* read from the damaged text: a new id would make this counter's
    slips and server records belong to a station that does not exist.  When no id can be read the desk
    refuses to start (:class:`StationIdUnrecoverable`) rather than invent one — the file is then
    damaged by someone editing it, who is at the PC to read the message, and starting as a new station
    stays one rename away.  The GUI checks the guideline later, when it builds the desk
    (``check_guideline=False``).
    """
    from fever_desk.settings import fall_back_to_a_shipped_guideline, save_settings

    warnings: list[str] = []
    try:
        settings = load_station_settings(path)
    except SettingsError as exc:
        from datetime import datetime

        if exc.station_id is None:
            raise StationIdUnrecoverable(path, exc.problem, template=exc.template, **exc.values) from exc
        kept = path.with_name(f"{path.name}.unreadable-{datetime.now():%Y%m%d-%H%M%S}")
        path.replace(kept)
        settings = Settings(station_id=exc.station_id)
        save_settings(settings, path)
        set_language(settings.language)
        warnings.append(
            tr(
                "The settings file could not be read ({problem}); "
                "it was kept as {kept} and defaults are in use.",
                problem=exc.localized_problem(),
                kept=str(kept),
            )
        )
    warning = fall_back_to_a_shipped_guideline(settings) if check_guideline else None
    if warning:
        warnings.append(warning)
    return settings, warnings
