"""``fever-desk devices list`` and ``fever-desk devices read``: is the thermometer (or the ID card reader)
there, and does it talk?

Support staff run these at the counter or over SSH, so there is no Qt here.  ``read`` prints one reading
per line in °C (the same line format as the diagnostics module) on stdout and every explanation on
stderr, so the output can be piped.  With a card reader's protocol (``ga467``, ``ga467_simulator``) it
prints one masked line per card instead (name and ID number masked, no address).  Exit codes follow the
rest of the command: 0 the readings came, 1 the device stayed silent (or said too little) within the
timeout, 2 the settings or the port are unusable.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from devices import diagnostics, registry
from devices.base import DeviceUnavailable, ProtocolError
from devices.idcard import diagnostics as card_diagnostics
from devices.idcard import reader as card_reader
from fever_desk.i18n import tr
from ui.services.device_config import translate_reason


def add_device_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``devices list`` and ``devices read`` on the ``fever-desk`` command's subparsers."""
    devices = subparsers.add_parser(
        "devices", help=tr("find the thermometer's or the ID card reader's port and test it")
    )
    dsub = devices.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    listing = dsub.add_parser("list", help=tr("list serial ports and the USB-serial chip behind each"))
    listing.add_argument(
        "--probe",
        action="store_true",
        help=tr("ask each port whether an ID card reader answers (writes a command to every port)"),
    )
    listing.set_defaults(func=cmd_devices_list)
    read = dsub.add_parser("read", help=tr("open a port and print readings in °C, one per line"))
    read.add_argument(
        "--port", metavar="URL", help=tr("COM3, /dev/ttyUSB0, socket://host:port … (default: settings)")
    )
    read.add_argument(
        "--protocol",
        metavar="NAME",
        help=tr(
            "protocol family: {names}; ID card readers: {readers} (default: settings)",
            names=", ".join(registry.names()),
            readers=", ".join(card_reader.names()),
        ),
    )
    read.add_argument("--baud", type=int, metavar="B", help=tr("baud rate (default: the protocol's)"))
    read.add_argument(
        "--count", type=int, metavar="N", help=tr("stop after N readings (default 5; cards: 1)")
    )
    read.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help=tr("give up after S silent seconds (default 10; cards: 30)"),
    )
    read.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE", help=tr("protocol option")
    )
    read.set_defaults(func=cmd_devices_read)


def cmd_devices_list(args: argparse.Namespace) -> int:
    ports = diagnostics.list_ports()
    for port in ports:
        line = diagnostics.format_port(port)
        if getattr(args, "probe", False) and card_diagnostics.probe(port.path):
            line += "  " + tr("ID card reader (GA 467) answers")
        print(line)
    if not ports:
        print(
            tr(
                "No serial port found. Plug the thermometer or the ID card reader in, "
                "or give a URL to 'devices read'."
            ),
            file=sys.stderr,
        )
    return 0


def _options(pairs: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; a VALUE that parses as JSON (numbers, true, lists) is taken as such."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ProtocolError(f"option {pair!r} is not KEY=VALUE")
        try:
            options[key] = json.loads(value)
        except ValueError:
            options[key] = value
    return options


def _defaults(args: argparse.Namespace) -> tuple[str, str, int | None, dict[str, Any]]:
    """Port and protocol from the command line, else from this station's settings."""
    if args.protocol is not None and (args.port is not None or args.protocol == "simulator"):
        return args.protocol, args.port or "", args.baud, {}
    from ui.services.device_config import device_config
    from ui.services.settings import load_station_settings

    config = device_config(load_station_settings())
    protocol = args.protocol or config.protocol
    port = args.port if args.port is not None else config.port
    baud = args.baud if args.baud is not None else config.baudrate
    options = dict(config.options) if protocol == config.protocol else {}
    return protocol, port, baud, options


def cmd_devices_read(args: argparse.Namespace) -> int:
    if args.protocol in card_reader.names():
        return cmd_read_cards(args)
    args.count = 5 if args.count is None else args.count
    args.timeout = 10.0 if args.timeout is None else args.timeout
    if args.count < 1 or args.timeout <= 0:
        print(tr("--count must be at least 1 and --timeout above 0."), file=sys.stderr)
        return 2
    try:
        protocol, port, baud, options = _defaults(args)
        options.update(_options(args.option))
    except ProtocolError as exc:
        print(tr("Bad device settings: {problem}", problem=exc), file=sys.stderr)
        return 2
    got = 0
    try:
        for item in diagnostics.read_readings(port, protocol, baud, args.count, args.timeout, options):
            print(diagnostics.format_item(item), flush=True)
            got += 1
    except ProtocolError as exc:
        print(tr("Bad device settings: {problem}", problem=exc), file=sys.stderr)
        return 2
    except DeviceUnavailable as exc:
        where = port or tr("(no port)")
        print(
            tr("Cannot use {port}: {reason}", port=where, reason=translate_reason(exc.reason)),
            file=sys.stderr,
        )
        return 2
    except TimeoutError as exc:
        if got:
            print(
                tr("Only {got} of {count} readings came: {problem}", got=got, count=args.count, problem=exc),
                file=sys.stderr,
            )
        else:
            print(
                tr("No reading from {port}: {problem}", port=port or protocol, problem=exc), file=sys.stderr
            )
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def cmd_read_cards(args: argparse.Namespace) -> int:
    """``devices read --protocol ga467``: one masked line per card placed on the reader."""
    from datetime import date

    from devices.idcard.reader import CardRead
    from ui.services.idcard import card_error_text, card_summary

    count = 1 if args.count is None else args.count
    timeout = 30.0 if args.timeout is None else args.timeout
    if count < 1 or timeout <= 0:
        print(tr("--count must be at least 1 and --timeout above 0."), file=sys.stderr)
        return 2
    port = args.port or ""
    if not port and args.protocol != card_reader.SIMULATOR:
        print(tr("Give the card reader's port with --port (e.g. COM3 or /dev/ttyUSB0)."), file=sys.stderr)
        return 2
    got = 0
    try:
        options = _options(args.option)
        for item in card_diagnostics.read_cards(port, args.protocol, args.baud, count, timeout, options):
            if isinstance(item, CardRead):
                print(card_summary(item.card, date.today()), flush=True)
            else:
                print(card_error_text(item), flush=True)
            got += 1
    except ProtocolError as exc:
        print(tr("Bad device settings: {problem}", problem=exc), file=sys.stderr)
        return 2
    except DeviceUnavailable as exc:
        print(
            tr("Cannot use {port}: {reason}", port=port, reason=translate_reason(exc.reason)),
            file=sys.stderr,
        )
        return 2
    except card_diagnostics.ReaderSilent:
        print(
            tr(
                "Nothing answers on {port}: is it the card reader, at {baud} baud?",
                port=port,
                baud=args.baud or card_reader.BAUDRATE,
            ),
            file=sys.stderr,
        )
        return 1
    except card_diagnostics.NoCard:
        print(
            tr(
                "The reader answers, but {got} of {count} cards came within {seconds} s.",
                got=got,
                count=count,
                seconds=f"{timeout:g}",
            ),
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ui.cli.devices read …``: the same commands without the rest of ``fever-desk``."""
    parser = argparse.ArgumentParser(prog="fever-desk")
    add_device_commands(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
