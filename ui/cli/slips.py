"""``fever-desk slip`` and ``fever-desk verify-slip``: issue a referral slip PDF, or check a scanned code.

No Qt here: clinic IT reissues a slip over SSH, and a hospital checks codes from a script.  ``slip`` writes
the same signed PDF the desk prints, archives it and records a ``pdf-export`` row, so an exported copy is
as traceable as a printed one.  Exit codes: 0 done / genuine, 1 not genuine (altered or another station's
key), 2 usage or setup (no such screening, ambiguous id, no font, unreadable key, malformed code).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fever_desk.i18n import current_language, tr
from fever_desk.slips import LAYOUTS
from ui.cli.common import open_context
from ui.cli.failures import OPENS_DATABASE


def add_slip_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``slip`` and ``verify-slip`` on the ``fever-desk`` command's subparsers."""
    slip = subparsers.add_parser("slip", help=tr("write the referral slip of a screening as PDF"))
    slip.add_argument(
        "screening", metavar="SCREENING_ID", help=tr("a screening id, its start, or a slip number")
    )
    slip.add_argument("--out", required=True, metavar="FILE.pdf", help=tr("where to write the PDF"))
    slip.add_argument("--layout", choices=sorted(LAYOUTS), help=tr("slip layout (default: settings)"))
    slip.set_defaults(func=cmd_slip, database=OPENS_DATABASE)
    verify = subparsers.add_parser("verify-slip", help=tr("check the text of a slip's QR code"))
    verify.add_argument("text", metavar="TEXT", help=tr("the scanned text, FD1.…"))
    verify.add_argument(
        "--key",
        metavar="KEY_OR_FILE_OR_DIR",
        help=tr("ed25519:… text, a .pub.pem file or a station data folder (default: this station's key)"),
    )
    verify.set_defaults(func=cmd_verify_slip)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def cmd_slip(args: argparse.Namespace) -> int:
    from db.slip_repository import screenings_by_prefix
    from fever_desk.files import FileInUse
    from fever_desk.slips import FontNotFound
    from fever_desk.station_setup import listed, slip_gaps
    from ui.services import slips as slip_service
    from ui.services.settings import load_station_settings

    settings = load_station_settings()
    gaps = slip_gaps(settings)
    if gaps:  # a slip with a dash where the hospital should be sends the patient nowhere
        return _fail(
            tr(
                "No slip: the station setup lacks {missing}. An administrator completes it in the desk "
                "(Settings → Station setup…).",
                missing=listed(gaps),
            )
        )
    context = open_context(args, settings.station_id)
    try:
        try:
            found = screenings_by_prefix(context.handle.session_factory, args.screening)
        except ValueError:
            return _fail(tr("'{id}' is not a screening id or a slip number.", id=args.screening))
        if not found:
            return _fail(tr("No screening has an id starting with '{id}'.", id=args.screening))
        if len(found) > 1:
            return _fail(
                tr("'{id}' matches more than one screening; give more characters.", id=args.screening)
            )
        screening = found[0]
        out = Path(args.out)
        try:
            archived = slip_service.export_pdf(screening, settings, args.layout, out)
        except FontNotFound as exc:
            return _fail(exc.localized(current_language()))
        except ValueError as exc:  # no outcome yet: nothing to refer
            return _fail(tr("No slip for this screening: {problem}", problem=exc))
        except FileInUse as exc:
            return _fail(exc.localized())
        except OSError as exc:
            return _fail(tr("Cannot write {path}: {problem}", path=out, problem=exc.strerror or exc))
        slip_service.record(context, archived, settings, printer=str(out.resolve()), kind="pdf-export")
    finally:
        context.close()
    print(
        tr(
            "Slip {number} written to {path} (archived as {archive}).",
            number=archived.slip_number,
            path=out,
            archive=archived.archive_path,
        )
    )
    return 0


def cmd_verify_slip(args: argparse.Namespace) -> int:
    from cryptography.exceptions import UnsupportedAlgorithm

    from fever_desk.slips import verify_payload
    from fever_desk.slips.signing import PUBLIC_KEY_FILE, load_public_key
    from fever_desk.triage import disposition_label
    from ui.services import slips as slip_service

    source = args.key or str(slip_service.data_dir())
    if args.key is None and not (Path(source) / PUBLIC_KEY_FILE).exists():
        return _fail(tr("This station has no slip key yet in {folder}; pass --key.", folder=source))
    try:
        key = load_public_key(source)
    except (ValueError, TypeError, OSError, UnsupportedAlgorithm) as exc:
        return _fail(tr("The public key cannot be read: {problem}", problem=exc))
    result = verify_payload(args.text, key)
    language = current_language()
    print(result.message(language))
    if result.slip_number:
        issued = result.issued_at.astimezone().strftime("%Y-%m-%d %H:%M") if result.issued_at else ""
        outcome = disposition_label(result.disposition, language) if result.disposition else ""
        for label, value in (
            (tr("Slip number"), result.slip_number),
            (tr("Station"), result.station_id),
            (tr("Issued"), issued),
            (tr("Outcome"), outcome),
        ):
            print(f"{label}: {value}")
    if result.ok:
        return 0
    return 1 if result.reason == "bad_signature" else 2
