"""Referral slips end to end: the PDF reads back in Chinese, and its QR code verifies with the station key."""

from __future__ import annotations

import contextlib
import dataclasses
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import reportlab
from reportlab.pdfbase import pdfmetrics

from fever_desk.i18n import catalogue
from fever_desk.model import Disposition
from fever_desk.slips import (
    FontNotFound,
    clear_font_cache,
    compose_slip,
    issue_slip,
    load_or_create_keys,
    render_slip,
    resolve_font,
    verify_slip_text,
)
from fever_desk.slips import fonts as slip_fonts
from tests.fever_desk.slip_cases import ISSUED, screening, settings
from tests.pdf import embedded_fonts, page_png, pdf_text
from tests.services import service_missing


@pytest.fixture(autouse=True)
def fresh_font_cache() -> Iterator[None]:
    clear_font_cache()
    yield
    clear_font_cache()


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    found = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in found]


def test_suspected_slip_reads_back_in_chinese(tmp_path: Path) -> None:
    slip = issue_slip(screening(), settings(), tmp_path / "data", issued_at=ISSUED)
    assert slip.content.disposition is Disposition.SUSPECTED
    text = pdf_text(slip.pdf)
    for expected in (
        "预检分诊转诊单",
        "9C3A-200207-4F1B2C",
        "张三丰",
        "4301**********123X",
        "138****5678",
        "疑似",
        "长沙市第一医院（北院）",
        "0731-84411111",
        "38.6 °C",
        "体温计测量",
        "咳嗽",
        "与新型冠状病毒感染者",
        "全程佩戴医用口罩",
        "李护士",
        "12320",
        "2020-02-07 09:30",
    ):
        assert expected in text, expected
    assert "43010219800101123X" not in text and "13812345678" not in text
    assert "℃" not in text


def test_fever_clinic_slip_and_english(tmp_path: Path) -> None:
    zh = issue_slip(screening(suspected=False), settings(), tmp_path / "data", issued_at=ISSUED)
    assert "发热门诊" in pdf_text(zh.pdf)
    en = issue_slip(
        screening(suspected=False), settings(), tmp_path / "data", language="en", issued_at=ISSUED
    )
    text = pdf_text(en.pdf)
    for expected in ("Pre-screening referral slip", "Fever clinic", "Wear a medical mask", "thermometer"):
        assert expected in text, expected
    assert "张三丰" in text  # the name stays as written


def test_qr_code_on_the_page_verifies(tmp_path: Path) -> None:
    import zxingcpp
    from PIL import Image

    data = tmp_path / "data"
    for layout in ("80mm", "a5"):
        slip = issue_slip(screening(), settings(), data, layout=layout, issued_at=ISSUED)
        codes = zxingcpp.read_barcodes(Image.open(page_png(slip.pdf, tmp_path / layout)))
        assert [c.format for c in codes] == [zxingcpp.BarcodeFormat.QRCode], layout
        text = codes[0].text
        assert text == slip.content.qr_payload
        result = verify_slip_text(text, data)
        assert result.ok, result.reason
        assert result.slip_number == "9C3A-200207-4F1B2C"
        assert result.station_id == "9c3a1e7d22b0"
        assert result.issued_at is not None and result.issued_at.timestamp() == int(ISSUED.timestamp())
        assert result.disposition is Disposition.SUSPECTED
        assert "张" not in text and "4301" not in text and "1381" not in text


def test_one_changed_character_fails(tmp_path: Path) -> None:
    payload = issue_slip(screening(), settings(), tmp_path / "data").content.qr_payload
    public = load_or_create_keys(tmp_path / "data").public_key
    for i, ch in enumerate(payload):
        for other in {"A", "B", "0", "."} - {ch}:
            changed = payload[:i] + other + payload[i + 1 :]
            assert not verify_slip_text(changed, public).ok, (i, other)


def test_another_stations_key_fails(tmp_path: Path) -> None:
    payload = issue_slip(screening(), settings(), tmp_path / "ours").content.qr_payload
    result = verify_slip_text(payload, load_or_create_keys(tmp_path / "theirs").public_key)
    assert not result.ok and result.reason == "bad_signature"
    assert result.slip_number == "9C3A-200207-4F1B2C"  # what the slip claims, shown even when refused
    assert "核验未通过" in result.message("zh_CN")


def test_missing_font_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slip_fonts, "SHIPPED_FONT", tmp_path / "removed.ttf")  # a damaged installation
    monkeypatch.setattr(slip_fonts, "SYSTEM_FONT_PATHS", [tmp_path / "msyh.ttc", tmp_path / "no.ttf"])
    monkeypatch.setattr(slip_fonts, "USE_FC_LIST", False)
    with pytest.raises(FontNotFound) as caught:
        issue_slip(screening(), settings(), tmp_path / "data")
    message = str(caught.value)
    assert "apt-get install fonts-wqy-microhei" in message and "msyh.ttc" in message
    assert str(tmp_path / "no.ttf") in message and str(tmp_path / "removed.ttf") in message
    assert "apt-get install fonts-wqy-microhei" in caught.value.localized("zh_CN")
    assert "未找到" in caught.value.localized("zh_CN")
    assert not (tmp_path / "data").exists()  # nothing issued or signed before the font was found
    assert FontNotFound.template in catalogue("zh_CN")


def test_a_latin_only_font_is_not_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    latin = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # a real TrueType font, no Hanzi
    assert latin.is_file()
    assert resolve_font(latin).shipped  # configured but unusable: the shipped font prints instead
    clear_font_cache()
    monkeypatch.setattr(slip_fonts, "SHIPPED_FONT", tmp_path / "removed.ttf")
    monkeypatch.setattr(slip_fonts, "SYSTEM_FONT_PATHS", [])
    monkeypatch.setattr(slip_fonts, "USE_FC_LIST", False)
    with pytest.raises(FontNotFound):
        resolve_font(latin)


def test_the_shipped_font_is_the_default_even_with_system_fonts_installed() -> None:
    font = resolve_font()
    assert font.shipped and font.path == slip_fonts.SHIPPED_FONT
    assert font.path.is_relative_to(Path(slip_fonts.__file__).resolve().parents[1] / "data" / "fonts")


def test_the_shipped_font_draws_all_of_gb2312_latin_and_the_degree_sign() -> None:
    face = pdfmetrics.getFont(resolve_font().name).face
    gb2312 = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                gb2312.add(bytes((high, low)).decode("gb2312"))
    assert len(gb2312) > 7400  # 6763 Hanzi and 682 other characters
    wanted = gb2312 | {chr(c) for c in range(0x20, 0x7F)} | set("°·•—…éü")
    missing = sorted(ch for ch in wanted if ord(ch) not in face.charToGlyph)
    assert not missing, missing[:20]
    assert "喆" in {chr(c) for c in face.charToGlyph}  # GBK, beyond GB 2312: a character of people's names


def test_the_shipped_font_carries_its_licence() -> None:
    licence = slip_fonts.SHIPPED_FONT.with_name("LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0" in licence
    assert "WenQuanYi" in licence and slip_fonts.SHIPPED_FONT.name in licence


def test_a_configured_font_comes_first_and_a_missing_shipped_font_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = tmp_path / "chosen.ttf"
    shutil.copyfile(slip_fonts.SHIPPED_FONT, configured)
    assert resolve_font(configured).path == configured and not resolve_font(configured).shipped
    assert resolve_font().shipped
    clear_font_cache()
    monkeypatch.setattr(slip_fonts, "SHIPPED_FONT", tmp_path / "removed.ttf")
    monkeypatch.setattr(slip_fonts, "SYSTEM_FONT_PATHS", [tmp_path / "none.ttc", configured])
    monkeypatch.setattr(slip_fonts, "USE_FC_LIST", False)
    assert resolve_font().path == configured  # a damaged installation still prints with a system font


def test_a_slip_embeds_the_shipped_font_unless_the_settings_choose_a_system_one(tmp_path: Path) -> None:
    slip = issue_slip(screening(), settings(), tmp_path / "data", issued_at=ISSUED)
    assert embedded_fonts(slip.pdf) == {"WenQuanYiMicroHei"}
    system = Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf")
    if not system.is_file():
        service_missing("a system Chinese font (AR PL SungtiL GB)", "fonts-arphic-gbsn00lp")
    station = settings()
    station.slip_font_path = str(system)
    chosen = issue_slip(screening(), station, tmp_path / "data", issued_at=ISSUED)
    assert embedded_fonts(chosen.pdf) == {"BousungEG-Light-GB"}
    assert "张三丰" in pdf_text(chosen.pdf)


def test_both_layouts_render(tmp_path: Path) -> None:
    content = compose_slip(screening(), settings(), load_or_create_keys(tmp_path), issued_at=ISSUED)
    roll, a5 = render_slip(content, "80mm"), render_slip(content, "a5")
    assert roll.startswith(b"%PDF") and a5.startswith(b"%PDF")
    assert media_boxes(a5) == [(419.5276, 595.2756)]
    (width, _height), *_ = media_boxes(roll)
    assert round(width / 72 * 25.4) == 80
    with pytest.raises(KeyError):
        render_slip(content, "a4")


def test_roll_grows_with_its_content(tmp_path: Path) -> None:
    content = compose_slip(screening(), settings(), load_or_create_keys(tmp_path), issued_at=ISSUED)
    longer = dataclasses.replace(content, reasons=content.reasons * 3)
    (_, short_height), *_ = media_boxes(render_slip(content, "80mm"))
    (_, long_height), *_ = media_boxes(render_slip(longer, "80mm"))
    assert long_height > short_height + 3 * 10
    assert len(media_boxes(render_slip(longer, "80mm"))) == 1  # a roll is one page however long
    assert len(media_boxes(render_slip(dataclasses.replace(content, reasons=content.reasons * 8), "a5"))) > 1


def test_celsius_sign_is_spelt_out(tmp_path: Path) -> None:
    station = settings()
    station.extra["slip_instructions"] = {"zh_CN": "体温≥37.3℃者请勿离开\n佩戴口罩", "en": ["Wear a mask"]}
    slip = issue_slip(screening(), station, tmp_path / "data", issued_at=ISSUED)
    assert slip.content.instructions == ("体温≥37.3°C者请勿离开", "佩戴口罩")
    text = pdf_text(slip.pdf)
    assert "37.3°C者请勿离开" in text and "℃" not in text
    en = compose_slip(screening(), station, load_or_create_keys(tmp_path / "data"), language="en")
    assert en.instructions == ("Wear a mask",)
