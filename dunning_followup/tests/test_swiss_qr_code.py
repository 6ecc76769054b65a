"""The Swiss QR-bill code: the Swiss cross over its centre, no alignment
pattern under the cross, readable by zbar once on the white page."""

import io
import shutil
import subprocess

import pytest

from dunning_followup.qr import (
    SWISS_CROSS_RATIO,
    SWISS_FIRST_VERSION,
    swiss_qr_code_png,
)

Image = pytest.importorskip("PIL.Image")
ImageOps = pytest.importorskip("PIL.ImageOps")

SWISS_PAYLOAD = "\n".join(
    [
        "SPC",
        "0200",
        "1",
        "CH4431999123000889012",
        "S",
        "Max Muster & Söhne",
        "Musterstrasse",
        "123",
        "8000",
        "Seldwyla",
        "CH",
        *[""] * 7,
        "1949.75",
        "CHF",
        "S",
        "Simon Muster",
        "Musterstrasse",
        "1",
        "8000",
        "Seldwyla",
        "CH",
        "QRR",
        "210000000003139471430009017",
        "Order of 15 June 2020",
        "EPD",
    ]
)


def _cross_png():
    """A red square with a white cross, as the Swiss cross image."""
    image = Image.new("RGB", (70, 70), (255, 0, 0))
    for box in ((28, 14, 42, 56), (14, 28, 56, 42)):
        image.paste((255, 255, 255), box)
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return stream.getvalue()


def _image(payload=SWISS_PAYLOAD, pixels_per_module=10):
    png = swiss_qr_code_png(payload, _cross_png(), pixels_per_module)
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_no_quiet_zone_and_at_least_version_14():
    image = _image()
    modules = SWISS_FIRST_VERSION * 4 + 17
    assert image.width == image.height == modules * 10, (
        "A short payload is drawn as version 14, without a quiet zone."
    )
    assert image.getpixel((0, 0)) == (0, 0, 0), "The finder pattern starts at once."


def test_cross_is_in_the_centre_seven_46th_of_the_side():
    image = _image()
    centre = image.width // 2
    side = round(image.width * SWISS_CROSS_RATIO)
    assert image.getpixel((centre, centre)) == (255, 255, 255), "white cross"
    corner = centre - side // 2 + 2
    assert image.getpixel((corner, corner)) == (255, 0, 0), "red square"
    outside = centre - side // 2 - 3
    assert image.getpixel((outside, centre)) in ((0, 0, 0), (255, 255, 255)), (
        "Outside the cross the code's modules are black or white."
    )


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg not installed")
@pytest.mark.parametrize("payload", [SWISS_PAYLOAD, SWISS_PAYLOAD + "\n" + "x" * 200])
def test_zbar_reads_the_code_on_a_white_page(payload, tmp_path):
    path = tmp_path / "qr.png"
    ImageOps.expand(_image(payload), border=50, fill=(255, 255, 255)).save(path)
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sbinary", str(path)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, "zbar must read the code despite the cross."
    assert result.stdout.decode("utf-8").rstrip("\n") == payload


def test_errors():
    with pytest.raises(ValueError):
        swiss_qr_code_png("", _cross_png())
    with pytest.raises(ValueError):
        swiss_qr_code_png("x" * 5000, _cross_png())
