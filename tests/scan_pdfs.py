"""Small PDFs with a text layer, written by hand (no PDF library writes text for us without
an AGPL dependency), and where a word lies on their pages."""

from __future__ import annotations

import pypdfium2 as pdfium

from chancery.domain.redactions import Box

PAGE = (612, 792)  # points: US letter


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """A PDF of US-letter pages, each with lines of Helvetica 18 pt at (x, y) points from the
    bottom left, and a grey band across the top (so a page is not all white)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 "
               "/BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for lines in pages:
        text = "".join(f"BT /F1 18 Tf {x} {y} Td ({_escape(s)}) Tj ET\n" for x, y, s in lines)
        stream = f"0.6 g 36 740 540 30 re f 0 g\n{text}"
        objects.append(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}"
                       "endstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE[0]} {PAGE[1]}] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def page_text(data: bytes, page: int) -> str:
    """The text layer of one page (from 1), as PDFium extracts it."""
    pdf = pdfium.PdfDocument(data)
    try:
        return str(pdf[page - 1].get_textpage().get_text_range())
    finally:
        pdf.close()


def word_box(data: bytes, page: int, word: str, margin: float = 0.01) -> Box:
    """A box around the first occurrence of a word on a page (from 1), with a margin, as
    fractions of the page."""
    pdf = pdfium.PdfDocument(data)
    try:
        p = pdf[page - 1]
        width, height = p.get_size()
        textpage = p.get_textpage()
        start = textpage.get_text_range().index(word)
        boxes = [textpage.get_charbox(i) for i in range(start, start + len(word))]
    finally:
        pdf.close()
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
    return Box(left / width - margin, 1 - top / height - margin,
               (right - left) / width + 2 * margin, (top - bottom) / height + 2 * margin)
