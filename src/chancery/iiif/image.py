"""IIIF Image API 3.0 requests ({region}/{size}/{rotation}/{quality}.{format}) parsed and
applied to a page image with Pillow. Level 1 and more: regions in pixels, percent or square;
sizes w, ,h, w,h, !w,h, pct:n, max, with ^ to allow upscaling; rotation by multiples of 90
and mirroring; default, color, gray and bitonal; jpg, png and webp."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageOps

FORMATS = {"jpg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png"), "webp": ("WEBP", "image/webp")}
QUALITIES = ("default", "color", "gray", "bitonal")
MAX_AREA = 25_000_000  # pixels: a request for more is refused, not attempted
_NUM = r"\d{1,9}(?:\.\d{1,6})?"  # bounded: no number this long means anything here


class BadRequest(ValueError):
    """A parameter the server cannot honour (400)."""


@dataclass(frozen=True)
class ImageRequest:
    """One parsed image request."""

    region: tuple[int, int, int, int]  # x, y, w, h in pixels of the full image
    size: tuple[int, int]
    rotation: int
    mirror: bool
    quality: str
    fmt: str


def _region(text: str, width: int, height: int) -> tuple[int, int, int, int]:
    if text == "full":
        return 0, 0, width, height
    if text == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    pct = text.startswith("pct:")
    parts = text[4:].split(",") if pct else text.split(",")
    if len(parts) != 4 or not all(re.fullmatch(_NUM if pct else r"\d{1,9}", p) for p in parts):
        raise BadRequest(f"region {text!r}: use full, square, x,y,w,h or pct:x,y,w,h")
    values = [float(p) for p in parts]
    if pct:
        values = [values[0] * width / 100, values[1] * height / 100,
                  values[2] * width / 100, values[3] * height / 100]
    x, y, w, h = (round(v) for v in values)
    if w <= 0 or h <= 0 or x >= width or y >= height:
        raise BadRequest(f"region {text!r} is empty or outside the image")
    return x, y, min(w, width - x), min(h, height - y)


def _size(text: str, w: int, h: int) -> tuple[int, int]:
    up = text.startswith("^")
    spec = text[1:] if up else text
    if spec == "max":
        scale = min(1.0, (MAX_AREA / (w * h)) ** 0.5) if not up else 1.0
        return max(1, round(w * scale)), max(1, round(h * scale))
    out = _percent(spec, w, h) if spec.startswith("pct:") else _by_pixels(text, spec, w, h)
    if out[0] < 1 or out[1] < 1:
        raise BadRequest(f"size {text!r} is zero")
    if not up and (out[0] > w or out[1] > h):
        raise BadRequest(f"size {text!r} is larger than the region; use ^ to upscale")
    if out[0] * out[1] > MAX_AREA:
        raise BadRequest(f"size {text!r} is larger than this server makes")
    return out


def _percent(spec: str, w: int, h: int) -> tuple[int, int]:
    if not re.fullmatch(_NUM, spec[4:]):
        raise BadRequest(f"size {spec!r}")
    n = float(spec[4:])
    return round(w * n / 100), round(h * n / 100)


def _by_pixels(text: str, spec: str, w: int, h: int) -> tuple[int, int]:
    m = re.fullmatch(r"(!?)(\d{0,9}),(\d{0,9})", spec)
    if not m or not (m.group(2) or m.group(3)) or (m.group(1) and not (m.group(2) and m.group(3))):
        raise BadRequest(f"size {text!r}: use max, w,, ,h, w,h, !w,h or pct:n (^ to upscale)")
    bw, bh = (int(m.group(2)) if m.group(2) else 0), (int(m.group(3)) if m.group(3) else 0)
    if m.group(1):  # best fit inside w,h keeping the aspect ratio
        scale = min(bw / w, bh / h)
        return round(w * scale), round(h * scale)
    if bw and bh:
        return bw, bh
    if bw:
        return bw, round(h * bw / w)
    return round(w * bh / h), bh


def parse(region: str, size: str, rotation: str, quality_format: str, width: int,
          height: int) -> ImageRequest:
    """The request for an image of ``width`` x ``height``; raises BadRequest."""
    quality, dot, fmt = quality_format.rpartition(".")
    if not dot or fmt not in FORMATS:
        raise BadRequest(f"format {fmt!r}: use jpg, png or webp")
    if quality not in QUALITIES:
        raise BadRequest(f"quality {quality!r}: use default, color, gray or bitonal")
    m = re.fullmatch(r"(!?)(\d{1,3}(?:\.\d{1,6})?)", rotation)
    if not m or float(m.group(2)) % 90 or float(m.group(2)) >= 360:
        raise BadRequest(f"rotation {rotation!r}: use 0, 90, 180 or 270, with ! to mirror")
    box = _region(region, width, height)
    return ImageRequest(box, _size(size, box[2], box[3]), int(float(m.group(2))), bool(m.group(1)),
                        quality, fmt)


def render(image: Image.Image, req: ImageRequest) -> bytes:
    """The requested image, encoded."""
    x, y, w, h = req.region
    out = image.crop((x, y, x + w, y + h))
    if out.size != req.size:
        out = out.resize(req.size, Image.Resampling.LANCZOS)
    if req.mirror:
        out = ImageOps.mirror(out)
    if req.rotation:
        out = out.rotate(-req.rotation, expand=True)
    if req.quality == "gray":
        out = out.convert("L")
    elif req.quality == "bitonal":
        out = out.convert("L").point(lambda v: 255 if v >= 128 else 0).convert("1")
    elif out.mode not in ("RGB", "L"):
        out = out.convert("RGB")
    pil_format, _ = FORMATS[req.fmt]
    if pil_format == "JPEG" and out.mode == "1":
        out = out.convert("L")
    buffer = io.BytesIO()
    out.save(buffer, pil_format, quality=90)
    return buffer.getvalue()
