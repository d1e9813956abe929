"""Serial errors as pyserial raises them on Windows, in any display language, recognised by their codes.

pyserial's ``serialwin32`` builds ``SerialException("could not open port 'COM3': " + repr(WinError()))``,
so the error code survives only inside the text, next to the message Windows wrote in the PC's language:
``PermissionError(13, '拒绝访问。', None, 5)`` on a Chinese Windows.  Matching "Access is denied" showed
Chinese clinics the raw text; the codes are the same in every language.  Port names are compared the way
Windows does: COM3, com3 and \\\\.\\COM3 are one port.
"""

from __future__ import annotations

import pytest
import serial

from devices.base import DeviceUnavailable
from devices.transport import describe_io_error, describe_open_error, error_codes, same_port
from fever_desk.settings import Settings


def opened(port: str, error: OSError) -> serial.SerialException:
    """Exactly what serialwin32.Serial.open raises when CreateFile fails."""
    return serial.SerialException(f"could not open port {port!r}: {error!r}")


# (the OSError ctypes.WinError() gives on a Chinese, English and Spanish Windows, expected reason, absent)
OPEN_CASES = [
    (PermissionError(13, "拒绝访问。", None, 5), "port in use by another program", False),
    (PermissionError(13, "Access is denied.", None, 5), "port in use by another program", False),
    (PermissionError(13, "Acceso denegado.", None, 5), "port in use by another program", False),
    (FileNotFoundError(2, "系统找不到指定的文件。", None, 2), "port not found (device unplugged?)", True),
    (OSError(22, "连到系统上的设备没有发挥作用。", None, 31), "port not found (device unplugged?)", True),
    (OSError(22, "指定了不存在的设备。", None, 433), "port not found (device unplugged?)", True),
    (OSError(22, "The device doesn't exist.", None, 1167), "port not found (device unplugged?)", True),
]


@pytest.mark.parametrize(("error", "reason", "absent"), OPEN_CASES)
def test_open_errors_are_recognised_by_code_in_any_language(
    error: OSError, reason: str, absent: bool
) -> None:
    described = describe_open_error(opened("COM3", error))
    assert (described.reason, described.absent) == (reason, absent)


def test_the_codes_are_read_back_from_pyserials_message() -> None:
    assert error_codes(opened("COM3", PermissionError(13, "拒绝访问。", None, 5))) == (13, 5)
    assert error_codes(opened("COM3", OSError(22, "It's gone", None, 31))) == (22, 31)  # "-quoted repr
    assert error_codes(serial.SerialException(16, "could not open port /dev/ttyUSB0: [Errno 16] busy")) == (
        16,
        None,
    )


def test_opening_a_held_com_port_through_the_cli_says_in_use_in_chinese(monkeypatch, capsys) -> None:
    """``fever-desk devices read --port COM3`` on a Chinese Windows whose COM3 another program holds."""
    from ui.cli.main import main

    def create_file_fails(url: str, *args, **kwargs):
        raise opened(url, PermissionError(13, "拒绝访问。", None, 5))

    monkeypatch.setattr(serial, "serial_for_url", create_file_fails)
    assert main(["devices", "read", "--port", "COM3", "--protocol", "lu90614", "--count", "1"]) == 2
    err = capsys.readouterr().err
    assert "COM3" in err and "拒绝访问" not in err  # not Windows' raw text …
    assert "端口被其他程序占用" in err  # … but the station's own sentence: another program has the port


IO_CASES = [
    serial.SerialException(f"ClearCommError failed ({PermissionError(13, '拒绝访问。', None, 5)!r})"),
    serial.SerialException(f"WriteFile failed ({OSError(22, '连到系统上的设备没有发挥作用。', None, 31)!r})"),
    serial.SerialException(f"ReadFile failed ({OSError(22, '设备未连接。', None, 1167)!r})"),
    serial.SerialException(f"GetOverlappedResult failed ({OSError(22, '已中止 I/O 操作。', None, 995)!r})"),
]


@pytest.mark.parametrize("error", IO_CASES)
def test_an_unplug_while_reading_is_named_in_any_language(error: serial.SerialException) -> None:
    assert describe_io_error(error) == "device disconnected"


def test_com_port_names_ignore_case_on_windows_only() -> None:
    assert same_port("COM3", "com3", windows=True)
    assert same_port(r"\\.\COM10", "com10", windows=True)
    assert not same_port("COM3", "COM4", windows=True)
    assert not same_port("/dev/ttyUSB0", "/dev/TTYUSB0", windows=False)
    assert not same_port("socket://Host:4001", "socket://host:4001", windows=True)  # a URL as typed


def test_self_test_does_not_call_com3_missing_when_the_list_says_com3(monkeypatch) -> None:
    import devices.diagnostics
    import devices.transport
    from devices.transport import PortInfo
    from ui.desk.self_test import OK, WARN, check_serial_ports

    monkeypatch.setattr(devices.transport, "IS_WINDOWS", True)
    monkeypatch.setattr(
        devices.diagnostics,
        "list_ports",
        lambda: [PortInfo("COM3", "USB-SERIAL CH340 (COM3)", "1A86:7523", "")],
    )
    settings = Settings(device_port="com3")
    assert check_serial_ports(settings).mark == OK
    settings.device_port = "COM4"
    assert check_serial_ports(settings).mark == WARN


def test_device_unavailable_keeps_the_flag_for_the_status_bar() -> None:
    described = describe_open_error(opened("COM7", FileNotFoundError(2, "系统找不到指定的文件。", None, 2)))
    assert isinstance(described, DeviceUnavailable) and described.absent
