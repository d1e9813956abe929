"""What ``fever-desk devices list|read`` call, over the simulator, a pty and a dead port."""

from __future__ import annotations

import statistics

import pytest

from devices import diagnostics, registry
from devices.base import DeviceError, DeviceUnavailable, ParserStats, ProtocolError, Reading
from devices.simulator import BodyTemperatureModel, PtySimulator, SimulatedPort
from fever_desk.model import MeasureMode


def test_read_readings_from_the_simulator_prints_celsius_lines() -> None:
    items = list(diagnostics.read_readings("", "simulator", count=4, options={"interval": 0.01, "seed": 4}))
    assert len(items) == 4
    lines = [diagnostics.format_item(i) for i in items]
    assert all(line.endswith("°C body") for line in lines)


def test_read_readings_over_a_pty_with_each_spoken_protocol() -> None:
    for protocol in ("lu90614", "ascii", "optris_ct", "modbus_rtu"):
        with PtySimulator(protocol, {"seed": 9, "stream_interval": 0.03}) as sim:
            items = list(
                diagnostics.read_readings(
                    sim.path, protocol, count=2, timeout=2.0, options={"interval": 0.02}
                )
            )
        assert len(items) == 2 and all(isinstance(i, Reading) for i in items), protocol


def test_silence_times_out_with_a_hint() -> None:
    stats = ParserStats()
    with (
        PtySimulator("ascii", {"stream_interval": 3600}) as sim,
        pytest.raises(TimeoutError, match="sent nothing"),
    ):
        list(diagnostics.read_readings(sim.path, "lu90614", count=1, timeout=0.4, stats=stats))
    assert stats.truncated == 0


def test_wrong_protocol_times_out_naming_the_drops() -> None:
    with (
        PtySimulator("ascii", {"stream_interval": 0.02}) as sim,
        pytest.raises(TimeoutError, match="garbage"),
    ):
        list(diagnostics.read_readings(sim.path, "lu90614", count=1, timeout=0.5))


def test_errors_for_missing_port_and_unknown_protocol() -> None:
    with pytest.raises(DeviceUnavailable, match="not found"):
        list(diagnostics.read_readings("/dev/no-such-tty", "lu90614", count=1))
    with pytest.raises(ProtocolError, match="unknown protocol"):
        list(diagnostics.read_readings("loop://", "fluke", count=1))


def test_format_helpers() -> None:
    implausible = Reading(31.2, MeasureMode.BODY, b"", plausible=False)
    assert diagnostics.format_item(implausible) == "31.20 °C body (implausible: measure again)"
    assert (
        diagnostics.format_item(DeviceError(2, "Modbus exception 2", b""))
        == "device error 2: Modbus exception 2"
    )
    port = diagnostics.transport.PortInfo("/dev/ttyUSB0", "USB Serial", "1A86:7523", "CH340 USB-serial")
    assert diagnostics.format_port(port) == "/dev/ttyUSB0  USB Serial  1A86:7523  CH340 USB-serial"
    assert isinstance(diagnostics.list_ports(), list)


def test_registry_names_and_defaults() -> None:
    assert registry.names() == ["ascii", "lu90614", "modbus_rtu", "optris_ct", "simulator"]
    assert registry.DeviceConfig("optris_ct", "/dev/ttyUSB0").effective_baudrate == 115200
    assert registry.DeviceConfig("lu90614", "/dev/ttyUSB0", baudrate=19200).effective_baudrate == 19200
    assert not registry.get("simulator").needs_port
    assert registry.DeviceConfig("lu90614", "/dev/ttyUSB0").label() == "lu90614@/dev/ttyUSB0"


def test_model_is_mostly_afebrile_with_some_fever() -> None:
    model = BodyTemperatureModel(seed=11, fever_rate=0.08)
    values = [model.body() for _ in range(2000)]
    normal = sum(36.1 <= v <= 37.2 for v in values) / len(values)
    fever = sum(v >= 37.3 for v in values) / len(values)
    assert normal > 0.8 and 0.02 < fever < 0.2
    assert 36.4 < statistics.median(values) < 36.9
    assert len(set(values)) > 100  # jitter, not a constant


def test_simulated_port_blocks_for_its_timeout_instead_of_spinning() -> None:
    port = SimulatedPort("lu90614", timeout=0.05)
    assert port.read(9) == b""
    port.write(b"\xfa\xca\xc4")
    assert len(port.read(9)) == 9
    with pytest.raises(ProtocolError):
        SimulatedPort("fluke")
