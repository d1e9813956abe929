"""Drivers over real pyserial URL handlers: ``loop://`` for the listening driver, ``socket://`` for the
request/reply families, with the simulator's responder answering on a local TCP socket."""

from __future__ import annotations

import socket
import threading
from itertools import islice

import pytest

from devices import simulator, transport
from devices.base import DeviceUnavailable, Reading
from devices.protocols import ascii_lines, lu90614
from devices.registry import Device, DeviceConfig
from fever_desk.model import MeasureMode


class SocketDevice:
    """A TCP "serial server" with a simulated thermometer behind it; records every byte received."""

    def __init__(self, protocol: str, options: dict | None = None) -> None:
        self.responder = simulator.make_responder(protocol, {"seed": 3, **(options or {})})
        self.received = bytearray()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.url = f"socket://127.0.0.1:{self._server.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(0.1)
                while not self._stop.is_set():
                    try:
                        data = conn.recv(256)
                    except TimeoutError:
                        continue
                    if not data:
                        break
                    self.received += data
                    reply = self.responder.respond(data)
                    if reply:
                        conn.sendall(reply)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1)
        self._server.close()


@pytest.mark.parametrize(
    ("protocol", "options", "request_bytes", "mode"),
    [
        ("lu90614", {"interval": 0.02}, b"\xfa\xc5\xbf\xfa\xca\xc4", MeasureMode.BODY),
        ("lu90614", {"interval": 0.02, "mode": "object"}, b"\xfa\xc6\xc0\xfa\xca\xc4", MeasureMode.OBJECT),
        ("optris_ct", {"interval": 0.02}, b"\x01", MeasureMode.OBJECT),
        ("optris_ct", {"interval": 0.02, "address": 5, "command": "0x81"}, b"\xb5\x81", MeasureMode.OBJECT),
        ("modbus_rtu", {"interval": 0.02}, bytes.fromhex("010304b00002c4dc"), MeasureMode.OBJECT),
    ],
    ids=["lu90614-body", "lu90614-object", "optris", "optris-rs485", "modbus"],
)
def test_request_driver_over_socket_url(
    protocol: str, options: dict, request_bytes: bytes, mode: MeasureMode
) -> None:
    server = SocketDevice(protocol)
    try:
        with Device(DeviceConfig(protocol=protocol, port=server.url, options=options)) as device:
            items = list(islice(device.readings(), 3))
    finally:
        server.close()
    assert len(items) == 3
    assert all(isinstance(i, Reading) and i.mode is mode for i in items)
    assert bytes(server.received).startswith(request_bytes)
    assert device.stats.readings == 3 and device.stats.bad_checksum == 0


def test_stream_driver_over_loop_url_drops_the_partial_first_line() -> None:
    config = DeviceConfig(protocol="ascii", port="loop://")
    with Device(config) as device:
        assert device.port is not None
        device.port.write(b"6.60 C\r\n" + ascii_lines.encode_line(37.2) + b"T=99.5F\r\n")
        items = []
        while len(items) < 2:
            polled = device.poll()
            assert polled or items, "loop:// delivered nothing"
            items += polled
    assert [(i.celsius, i.mode) for i in items] == [(37.2, MeasureMode.BODY), (37.5, MeasureMode.BODY)]


def test_request_driver_over_loop_url_never_mistakes_its_own_echo_for_a_reply() -> None:
    with Device(DeviceConfig(protocol="lu90614", port="loop://")) as device:
        assert device.poll() == []
        assert device.stats.garbage_bytes >= len(lu90614.CMD_MEASURE)
        assert device.stats.truncated == 0


def test_missing_port_is_reported_as_absent() -> None:
    with pytest.raises(DeviceUnavailable) as info:
        transport.open_port("/dev/nonexistent-thermometer", 9600)
    assert info.value.absent and "not found" in info.value.reason


def test_list_ports_returns_port_infos() -> None:
    ports = transport.list_ports()
    assert all(isinstance(p, transport.PortInfo) for p in ports)
    assert transport.KNOWN_CHIPS["1A86:7523"].startswith("CH340")
