"""/iiif/3: the Image API for every scan page the public may see, manifests for documents
with scans, and a collection per Chancery collection. Every answer allows any origin."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from PIL import Image

from chancery.bootstrap import App
from chancery.domain.media import WIDTHS
from chancery.domain.readers import Reader
from chancery.http.caching import PUBLIC_SCANS
from chancery.http.limits import SharedLimiter, client_of
from chancery.iiif import content_search, presentation
from chancery.iiif import image as iiif_image
from chancery.services import documents

CORS = {"Access-Control-Allow-Origin": "*"}
_HASH = re.compile(r"[0-9a-f]{64}")
_PAGE = re.compile(r"[1-9][0-9]{0,5}")
IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
SIZES_KEPT = 4_096  # page sizes kept in memory; beyond, the least recently asked is dropped


TILE = 512
SCALE_FACTORS = (1, 2, 4, 8)


def _viewer_request(req: iiif_image.ImageRequest, width: int, height: int) -> bool:
    """Whether a request is one info.json offers (a listed size of the whole page, or a tile
    at a listed scale): those are kept, so the cache holds a bounded set per page."""
    if req.rotation or req.mirror:
        return False
    x, y, w, h = req.region
    if (x, y, w, h) == (0, 0, width, height):
        return req.size[0] in (*WIDTHS, width)
    for s in SCALE_FACTORS:
        edge = TILE * s
        if x % edge == 0 and y % edge == 0 and w == min(edge, width - x) and h == min(edge, height - y):
            return abs(req.size[0] - -(-w // s)) <= 1
    return False


@functools.lru_cache(maxsize=SIZES_KEPT)
def image_size(base: Path) -> tuple[int, int]:
    """Width and height of a page rendering, read from its header once; bounded, so a crawler
    walking every page of a large archive cannot grow the process without limit."""
    with Image.open(base) as img:
        width, height = img.size
    return int(width), int(height)


def _presentation(found: dict[str, object] | None, missing: str) -> Response:
    if found is None:
        return _error(404, missing)
    return JSONResponse(found, headers=CORS, media_type=presentation.MEDIA_TYPE)


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=CORS)


class Images:
    """Scan pages as IIIF images: identifier "{sha256}-{page}"."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.cache = app.settings.derived_path / "iiif"
        self.limiter = SharedLimiter("images", app.settings.api_rate_limit, app.buckets)

    def base(self, identifier: str, reader: Reader) -> Path | None:
        """The page image every request for this identifier is cut from (the largest
        rendering), or None when the reader may not see it or it does not exist."""
        sha256, _, page = identifier.rpartition("-")
        if not _HASH.fullmatch(sha256) or not _PAGE.fullmatch(page):
            return None  # one name per image: no "-01" beside "-1"
        scan = documents.served_scan(self.app.catalogue, sha256, reader)
        if scan is None:
            return None
        return self.app.pages.served_image(scan, int(page), WIDTHS[-1])

    def info(self, identifier: str, service_id: str, base: Path) -> dict[str, object]:
        width, height = image_size(base)
        sizes = sorted({(w, round(height * w / width)) for w in (*WIDTHS, width) if w <= width})
        return {
            "@context": IMAGE_CONTEXT, "id": service_id, "type": "ImageService3",
            "protocol": "http://iiif.io/api/image", "profile": "level1",
            "width": width, "height": height, "maxArea": iiif_image.MAX_AREA,
            "sizes": [{"width": w, "height": h} for w, h in sizes],
            "tiles": [{"width": TILE, "scaleFactors": list(SCALE_FACTORS)}],
            "extraFormats": ["png", "webp"], "extraQualities": ["color", "gray", "bitonal"],
            "extraFeatures": ["cors", "jsonldMediaType", "baseUriRedirect", "mirroring",
                              "regionByPct", "regionByPx", "regionSquare", "rotationBy90s",
                              "sizeByConfinedWh", "sizeByH", "sizeByPct", "sizeByW", "sizeByWh",
                              "sizeUpscaling"],
        }

    def render(self, identifier: str, params: tuple[str, str, str, str], client: str,
               reader: Reader) -> Response:
        base = self.base(identifier, reader)
        if base is None:
            return _error(404, f"no image {identifier!r}")
        width, height = image_size(base)
        try:
            req = iiif_image.parse(*params, width, height)
        except iiif_image.BadRequest as exc:
            return _error(400, str(exc))
        headers = {**CORS, "Cache-Control": PUBLIC_SCANS,
                   "Link": '<http://iiif.io/api/image/3/level1.json>;rel="profile"'}
        media = iiif_image.FORMATS[req.fmt][1]
        # the same image however the request spells it
        key = hashlib.sha1(repr(req).encode()).hexdigest()
        target = self.cache / identifier[:2] / identifier / f"{key}.{req.fmt}"
        if target.exists():
            return FileResponse(target, media_type=media, headers=headers)
        wait = self.limiter.wait_for(client)  # making an image costs up to a second
        if wait:
            return JSONResponse({"error": f"too many requests: try again in {wait} s"},
                                status_code=429, headers={**CORS, "Retry-After": str(wait)})
        with Image.open(base) as img:
            data = iiif_image.render(img, req)
        if not _viewer_request(req, width, height):  # kept: only what viewers ask for again
            return Response(data, media_type=media, headers=headers)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        return FileResponse(target, media_type=media, headers=headers)


def routes(app: App) -> APIRouter:
    """The IIIF routes."""
    router = APIRouter()
    images = Images(app)

    def root(request: Request) -> str:
        return app.settings.base_url + "/iiif/3"

    @router.get("/iiif/3/manifests/{public_id}", include_in_schema=False)
    def manifest(request: Request, public_id: str) -> Response:
        return _presentation(presentation.manifest(app, public_id, root(request), Reader.public()),
                             f"no document with scans {public_id!r}")

    @router.get("/iiif/3/manifests/{public_id}/search", include_in_schema=False)
    def search_within(request: Request, public_id: str) -> Response:
        try:
            found = content_search.answer(app, public_id, root(request),
                                          dict(request.query_params), Reader.public())
        except content_search.BadSearch as exc:
            return _error(400, str(exc))
        return _presentation(found, f"no document with scans {public_id!r}")

    @router.get("/iiif/3/collections/{key:path}", include_in_schema=False)
    def collection(request: Request, key: str) -> Response:
        return _presentation(presentation.collection(app, key, root(request), Reader.public()),
                             f"no collection {key!r}")

    @router.get("/iiif/3/{identifier}", include_in_schema=False)
    def image_base(request: Request, identifier: str) -> Response:
        return RedirectResponse(f"{root(request)}/{identifier}/info.json", status_code=303,
                                headers=CORS)

    @router.get("/iiif/3/{identifier}/info.json", include_in_schema=False)
    def info(request: Request, identifier: str) -> Response:
        base = images.base(identifier, Reader.public())
        if base is None:
            return _error(404, f"no image {identifier!r}")
        body = images.info(identifier, f"{root(request)}/{identifier}", base)
        ld = "application/ld+json" in request.headers.get("accept", "")
        media = f'application/ld+json;profile="{IMAGE_CONTEXT}"' if ld else "application/json"
        return JSONResponse(body, headers={**CORS, "Cache-Control": PUBLIC_SCANS},
                            media_type=media)

    @router.get("/iiif/3/{identifier}/{region}/{size}/{rotation}/{quality_format}",
                include_in_schema=False)
    def image_request(request: Request, identifier: str, region: str, size: str, rotation: str,
                      quality_format: str) -> Response:
        client = client_of(request, app.settings.trusted_proxies)
        return images.render(identifier, (region, size, rotation, quality_format), client,
                             Reader.public())

    return router
