"""What a reviewer reads before approving a change to a published document: the fields the
change makes different, and nothing else, each written as a person wrote it."""

from __future__ import annotations

import html
import re
from pathlib import Path

from chancery.bootstrap import App
from tests.e2e.test_workspace_documents import PAGE, _logged_in
from tests.e2e.test_workspace_editor import _fields, _post
from tests.editorial import DOCS, import_bundle

TITLE = "The consul's telegram on the okapi question"


def test_the_diff_shows_only_what_the_change_makes_different(app: App, tmp_path: Path) -> None:
    """A title corrected through the editor's form (which sends every field, an empty
    classification and provenance among them) is the diff's one row, apostrophe and all; the
    form's spelling of empty fields is no change (the diff showed three rows, in JSON with
    the apostrophe as \\u0027)."""
    import_bundle(app, tmp_path / "b", state="published")
    editor, _ = _logged_in(app, "editor")
    url = f"{PAGE}{DOCS[0]}/edit"
    saved = _post(editor, url, {**_fields(editor.get(url).text), "title": TITLE})
    assert saved.headers["location"].endswith("?done=proposed")
    reviewer, _ = _logged_in(app, "reviewer")
    page = reviewer.get(PAGE + DOCS[0]).text
    table = page.split('<table class="fields diff">')[1].split("</table>")[0]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]*)</td><td>([^<]*)</td>',
                      table)
    assert [(name, html.unescape(old), html.unescape(new)) for name, old, new in rows] == [
        ("title", "Telegram 1 on the okapi question", TITLE)]
