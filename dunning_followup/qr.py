"""QR codes that scanners read: whole pixels per module and the quiet zone.

A QR code is a grid of square *modules*. Scanners (banking apps, zbar) find it
by its finder patterns and need a white *quiet zone* of at least four modules
around it (ISO/IEC 18004, 6.3.8); every module must be the same number of
pixels, or rows and columns drift and the code no longer decodes once printed.
The EPC payment QR code (EPC069-12) also requires error correction level M.
"""

import base64
import io

try:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
except ImportError:  # declared in the manifest's external dependencies
    qrcode = ERROR_CORRECT_M = None

#: White modules around the code that the QR standard requires.
QUIET_ZONE_MODULES = 4
#: Pixels per module of the PNG: a whole number, so every module is the same.
PIXELS_PER_MODULE = 10


def qr_code_png(payload, pixels_per_module=PIXELS_PER_MODULE):
    """The QR code of ``payload`` (str, encoded as UTF-8) as PNG bytes: error
    correction M, the smallest version that holds it, ``pixels_per_module``
    pixels per module and a quiet zone of four modules.

    :raise ValueError: empty payload, a payload too long for any QR version,
        or ``pixels_per_module`` not a positive whole number
    :raise RuntimeError: the ``qrcode`` library is not installed
    """
    if qrcode is None:
        raise RuntimeError("The Python library 'qrcode' is not installed.")
    if not payload:
        raise ValueError("A QR code needs a payload.")
    if not isinstance(pixels_per_module, int) or pixels_per_module < 1:
        raise ValueError("Pixels per module must be a positive whole number.")
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M,
        box_size=pixels_per_module,
        border=QUIET_ZONE_MODULES,
    )
    code.add_data(payload)
    try:
        code.make(fit=True)
    except qrcode.exceptions.DataOverflowError as error:
        raise ValueError("The payload is too long for a QR code.") from error
    stream = io.BytesIO()
    code.make_image().save(stream, format="PNG")
    return stream.getvalue()


def qr_code_modules(payload):
    """Number of modules on a side of the QR code of ``payload`` (without
    the quiet zone): 17 + 4 × version."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE_MODULES)
    code.add_data(payload)
    code.make(fit=True)
    return code.modules_count


def qr_code_data_uri(payload, pixels_per_module=PIXELS_PER_MODULE):
    """:func:`qr_code_png` as a ``data:image/png;base64,...`` URI for an
    ``<img src>``; False when there is no payload."""
    if not payload:
        return False
    png = qr_code_png(payload, pixels_per_module)
    return "data:image/png;base64," + base64.b64encode(png).decode()


#: The Swiss QR-bill's code is 46 mm wide without its quiet zone, with the
#: 7 mm Swiss cross in its centre (SIX, Swiss Implementation Guidelines for
#: the QR-bill, 6.4.2): the cross is 7/46 of the code's side.
SWISS_CROSS_RATIO = 7 / 46
#: QR versions 14 to 20 have four alignment patterns a row, none in the
#: centre: the cross then hides no alignment pattern, which readers such as
#: zbar need to sample the grid (versions 7 to 13 have one right under it).
SWISS_FIRST_VERSION = 14
SWISS_LAST_CLEAR_VERSION = 20


def swiss_qr_code_png(payload, cross_png, pixels_per_module=PIXELS_PER_MODULE):
    """The Swiss QR-bill code of ``payload`` (the ``SPC`` payload of l10n_ch)
    as PNG bytes: error correction M, ``pixels_per_module`` pixels per module,
    no quiet zone (the payment part leaves 5 mm of white around it), and the
    Swiss cross ``cross_png`` (PNG bytes) over its centre, 7/46 of its side.
    The version is at least 14 and, when the payload fits, at most 20, so
    that the cross covers no alignment pattern.

    :raise ValueError: empty payload or a payload too long for any QR version
    :raise RuntimeError: the ``qrcode`` library is not installed
    """
    if qrcode is None:
        raise RuntimeError("The Python library 'qrcode' is not installed.")
    if not payload:
        raise ValueError("A QR code needs a payload.")
    from PIL import Image

    smallest = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    smallest.add_data(payload)
    try:
        smallest.make(fit=True)
    except qrcode.exceptions.DataOverflowError as error:
        raise ValueError("The payload is too long for a QR code.") from error
    version = smallest.version
    if version <= SWISS_LAST_CLEAR_VERSION:
        version = max(version, SWISS_FIRST_VERSION)
    code = qrcode.QRCode(
        version=version,
        error_correction=ERROR_CORRECT_M,
        box_size=pixels_per_module,
        border=0,
    )
    code.add_data(payload)
    code.make(fit=False)
    image = code.make_image().get_image().convert("RGB")
    side = round(image.width * SWISS_CROSS_RATIO)
    cross = Image.open(io.BytesIO(cross_png)).convert("RGBA")
    cross = cross.resize((side, side), Image.LANCZOS)
    offset = (image.width - side) // 2
    image.paste(cross, (offset, offset), cross)
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return stream.getvalue()


def swiss_qr_code_data_uri(payload, cross_png, pixels_per_module=PIXELS_PER_MODULE):
    """:func:`swiss_qr_code_png` as a ``data:image/png;base64,...`` URI."""
    png = swiss_qr_code_png(payload, cross_png, pixels_per_module)
    return "data:image/png;base64," + base64.b64encode(png).decode()
