"""How long a browser or a shared cache (a CDN, a proxy) may keep a public scan's file, page
image or IIIF image before it asks again.

A redaction or a withdrawal takes a scan from the public at once: its old address answers
404 from then on (a redacted scan gets a new one). A cache that was told it may keep the old
answer for a day (max-age=86400, as before) went on serving the unredacted original for up to
a day. Five minutes bounds that (docs/security.md, "Caches"); a reader coming back after it
asks again with the file's ETag and gets a 304 without the body, so the cost is one request,
not the file."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import Request
from fastapi.responses import FileResponse, Response

CACHE_WINDOW_S = 300  # seconds a public scan may be kept without asking again
PUBLIC_SCANS = f"public, max-age={CACHE_WINDOW_S}"


def file_answer(request: Request, path: Path, media_type: str,
                headers: dict[str, str] | None = None, **options: str) -> Response:
    """A public scan's file, page image or IIIF image with its validators and the window;
    304 when the reader's copy (If-None-Match) is still the one served."""
    kept = {**(headers or {}), "Cache-Control": PUBLIC_SCANS}
    answer = FileResponse(path, media_type=media_type, headers=kept, stat_result=os.stat(path),
                          **options)  # type: ignore[arg-type]
    tag = answer.headers.get("etag", "")
    if tag and tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={**kept, "ETag": tag})
    return answer
