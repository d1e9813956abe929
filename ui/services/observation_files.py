"""The observation register's files (Qt-free): the grid workers' list in, the register and one person's
grid out.  ``ui.services.observation`` names these operations; they live here to keep each module short.

An import is all or nothing: the file is read and every row checked first
(``fever_desk.observation.importing``), then, in one unit of work, the ID numbers already under
observation are refused too, and only when no row was refused are all the people registered, with one
audit entry for the import.  An export is read, written and logged in one unit of work, like the pharmacy
register's (``ui.services.pharmacy.export_register``).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from fever_desk.audit import AuditAction
from fever_desk.export_files import write_export, zip_path
from fever_desk.i18n import tr
from fever_desk.observation.importing import ImportReport, ListUnreadable, RowProblem, check_list, read_rows
from fever_desk.observation.model import Observation, Source, Status
from ui.services.audit_hooks import audit
from ui.services.context import DeskContext
from ui.services.observation_results import ImportDone, ObservationExport
from ui.services.screening import operator_of, removed_on_failure

KIND = "observation"


def import_list(
    ctx: DeskContext, path: Path, *, today: date | None = None, now: datetime | None = None
) -> ImportDone:
    """Check every row of the list at ``path`` and register all of them, or none (see the module)."""
    from ui.services.observation import observations

    moment = now or datetime.now().astimezone()
    today = today or moment.date()
    try:
        accepted, report = check_list(read_rows(path), today)
    except ListUnreadable as exc:
        return ImportDone(0, ImportReport(0, problem=str(exc)))
    except (OSError, ValueError, KeyError) as exc:  # a damaged XLSX, a file that is not one
        problem = tr("The list {name} cannot be read: {detail}", name=path.name, detail=type(exc).__name__)
        return ImportDone(0, ImportReport(0, problem=problem))
    if not report.ok:
        return ImportDone(0, report)
    repo = observations(ctx)
    with ctx.unit_of_work() as session:
        active = repo.active_id_numbers((p.person.id_number for p in accepted), session=session)
        if active:
            refused = [
                RowProblem(p.row, (tr("Already under observation on this station."),))
                for p in accepted
                if p.person.id_number in active
            ]
            return ImportDone(0, replace(report, refused=refused))
        operator = operator_of(ctx)
        batch = [
            Observation(
                person=p.person,
                registration=p.registration,
                registered_at=moment,
                source=Source.IMPORT,
                station_id=ctx.actor.station_id,
                operator=operator,
                id=uuid.uuid4(),
            )
            for p in accepted
        ]
        repo.add_many(batch, session=session)
        audit(ctx, AuditAction.CREATE, KIND, "", f"import rows={len(batch)}", session=session)
    return ImportDone(len(batch), report)


def export_register(
    ctx: DeskContext,
    path: Path,
    *,
    status: Status | None = None,
    font_path: str = "",
    zipped: bool = False,
    limit: int = 1_000_000,
) -> ObservationExport:
    """The register (one status, or everyone) to ``path`` (.xlsx or .pdf), or an AES ZIP of it; read,
    written and logged in one unit of work (a failed entry removes the file)."""
    from fever_desk.observation.exports import STATUS_ZH, write_register
    from ui.services.observation import observations

    target = zip_path(path) if zipped else path
    subtitle = f"导出时间：{datetime.now():%Y-%m-%d %H:%M}　范围：{STATUS_ZH[status] if status else '全部'}"
    with removed_on_failure(target), ctx.unit_of_work() as session:
        people = observations(ctx).register(status=status, limit=limit, session=session)
        written, rows = write_export(
            path, lambda plain: write_register(plain, people, subtitle, font_path), zipped=zipped
        )
        detail = f"rows={rows} status={status.value if status else 'all'} zip={'yes' if zipped else 'no'}"
        audit(ctx, AuditAction.EXPORT, "observation_register", "", detail, session=session)
    return ObservationExport(rows, written)


def export_grid(
    ctx: DeskContext, observation_id: uuid.UUID, path: Path, *, font_path: str = "", zipped: bool = False
) -> ObservationExport:
    """One person's 14-day grid to ``path`` (.pdf on one A4 page, or .xlsx), logged as an export."""
    from fever_desk.observation.exports import write_grid
    from ui.services.observation import ObservationProblem, observations

    repo = observations(ctx)
    target = zip_path(path) if zipped else path
    with removed_on_failure(target), ctx.unit_of_work() as session:
        observation = repo.get(observation_id, session=session)
        if observation is None:
            raise ObservationProblem("No such person on the observation register.")
        cells = repo.current_cells(observation_id, session=session)
        written, rows = write_export(
            path, lambda plain: write_grid(plain, observation, cells, font_path), zipped=zipped
        )
        detail = f"grid cells={len(cells)} zip={'yes' if zipped else 'no'}"
        audit(ctx, AuditAction.EXPORT, KIND, str(observation_id), detail, session=session)
    return ObservationExport(rows, written)
