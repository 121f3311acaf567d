"""QR codes as small inline SVG, for the assignment cards (no image library, no file)."""

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_svg(data: str, *, size_mm: int = 32) -> str:
    """An <svg> of the QR code: one path, a horizontal run of dark modules per segment.

    Runs rather than one square per module keep a card's code about a third of the size that
    qrcode's own SVG writer makes, which matters on a print run of 400 cards.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the quiet zone (border)
    n = len(matrix)
    segments = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                segments.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" width="{size_mm}mm" '
        f'height="{size_mm}mm" shape-rendering="crispEdges" role="img" aria-label="QR">'
        f'<rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(segments)}"/></svg>'
    )
