"""A failure in words a nurse reads, for the desk's window and the command line's one line alike."""

from __future__ import annotations

from fever_desk.i18n import tr
from fever_desk.problems import Problem
from fever_desk.settings import SettingsError
from ui.services.settings import StationIdUnrecoverable


def describe_error(error: BaseException) -> str:
    """A sentence for the nurse: known problems in their language, anything else with its type named."""
    from db.migrate import DatabaseProblem, DatabaseUnopenable
    from db.server_faults import server_problem

    if not isinstance(error, DatabaseProblem) or isinstance(error, DatabaseUnopenable):
        # A shared server out of reach, or refusing this station: what to do, not the driver's text.
        # (Other DatabaseProblems, e.g. "kept on this counter, corrections wait", already say more.)
        fault = server_problem(error)
        if fault is not None:
            return fault.localized()
    if isinstance(error, StationIdUnrecoverable):
        return tr(
            "The settings file {path} cannot be read ({problem}) and no longer shows this station's id, "
            "so the desk does not start: a new id would file its records under another station. "
            "Correct that line, or rename the file to start as a new station.",
            path=str(error.path),
            problem=error.localized_problem(),
        )
    if isinstance(error, SettingsError):
        return tr(
            "The settings file cannot be read: {problem}",
            problem=f"{error.path}: {error.localized_problem()}",
        )
    if isinstance(error, Problem):  # a database refused, a file held by another program, a printer …
        return error.localized()
    return tr("Unexpected problem: {problem}", problem=f"{type(error).__name__}: {error}")
