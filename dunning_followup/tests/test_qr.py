"""QR codes: whole pixels per module, four-module quiet zone, readable by zbar."""

import io
import shutil
import subprocess

import pytest

from dunning_followup.qr import (
    QUIET_ZONE_MODULES,
    qr_code_data_uri,
    qr_code_modules,
    qr_code_png,
)

Image = pytest.importorskip("PIL.Image")

EPC_PAYLOAD = "\n".join(
    [
        "BCD",
        "002",
        "1",
        "SCT",
        "GKCCBEBB",
        "Müller & Söhne GmbH",
        "BE71096123456769",
        "EUR1234.5",
        "",
        "",
        "DUN/2026/00001",
        "",
    ]
)


def _image(payload, pixels_per_module=10):
    return Image.open(io.BytesIO(qr_code_png(payload, pixels_per_module))).convert("L")


@pytest.mark.parametrize("payload", ["x", EPC_PAYLOAD, "A" * 300])
@pytest.mark.parametrize("pixels", [1, 3, 10])
def test_size_is_modules_plus_quiet_zone_times_whole_pixels(payload, pixels):
    image = _image(payload, pixels)
    side = (qr_code_modules(payload) + 2 * QUIET_ZONE_MODULES) * pixels
    assert image.size == (side, side), "every module is the same whole number of pixels"


def test_quiet_zone_is_white_and_code_starts_after_it():
    pixels = 10
    image = _image(EPC_PAYLOAD, pixels)
    margin = QUIET_ZONE_MODULES * pixels
    width, _height = image.size
    band = [image.getpixel((x, y)) for y in range(margin) for x in range(width)]
    assert set(band) == {255}, "the four modules around the code are white"
    assert image.getpixel((margin, margin)) == 0, (
        "the finder pattern starts after the quiet zone"
    )
    assert image.getpixel((margin + pixels - 1, margin + pixels - 1)) == 0, (
        "the first module is fully black, no seam inside a module"
    )


def test_modules_are_uniform_squares():
    pixels = 7
    image = _image(EPC_PAYLOAD, pixels)
    modules = image.size[0] // pixels
    for row in range(modules):
        for column in range(modules):
            box = (
                column * pixels,
                row * pixels,
                (column + 1) * pixels,
                (row + 1) * pixels,
            )
            colors = set(image.crop(box).getdata())
            assert len(colors) == 1, f"module {row},{column} has a single color"


@pytest.mark.skipif(
    not shutil.which("zbarimg"), reason="zbarimg (zbar-tools) not installed"
)
@pytest.mark.parametrize("payload", ["x", EPC_PAYLOAD, "RF18539007547034 " * 15])
def test_zbar_reads_the_code_as_is(payload, tmp_path):
    path = tmp_path / "qr.png"
    path.write_bytes(qr_code_png(payload))
    # -Sbinary: the symbol's bytes as they are, no charset guess, no newline added.
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sbinary", str(path)],
        capture_output=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.decode("utf-8") == payload


def test_data_uri_and_errors():
    assert qr_code_data_uri("hello").startswith("data:image/png;base64,")
    assert qr_code_data_uri("") is False
    with pytest.raises(ValueError):
        qr_code_png("x", pixels_per_module=2.5)
    with pytest.raises(ValueError):
        qr_code_png("x" * 5000)
