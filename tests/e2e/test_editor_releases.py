"""A document's release history in the workspace editor and `chancery edit`: rows added,
changed and removed like the other repeated sections, a date that is not YYYY, YYYY-MM or
YYYY-MM-DD refused beside its field with everything typed kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

from chancery.bootstrap import App
from tests.e2e.test_workflow_cli import _archive, _run
from tests.e2e.test_workspace_documents import PAGE, _logged_in
from tests.e2e.test_workspace_editor import _draft, _fields, _post
from tests.editorial import DOCS, import_bundle

JFK = {"released": "2025-03-18", "agency": "NARA", "authority": "JFK Records Act",
       "note": "released in full"}


def _empty_row(fields: dict[str, str]) -> str:
    """The prefix of the empty release row the page offers ("releases.0")."""
    rows = [k.rsplit(".", 1)[0] for k in fields if re.match(r"releases\.\d+\.released$", k)
            and not any(fields.get(k.replace(".released", f".{p}"))
                        for p in ("released", "agency", "authority", "note"))]
    return rows[0]


def test_a_release_is_added_changed_and_removed_in_the_editor(app: App, tmp_path: Path) -> None:
    """An empty row to fill in; a second asked for without saving; both saved as the record's
    release history in the order typed; the form shows them back; one removed by its box."""
    import_bundle(app, tmp_path / "b")
    client, _ = _logged_in(app, "editor")
    url = f"{PAGE}{DOCS[0]}/edit"
    fields = _fields(client.get(url).text)
    first = _empty_row(fields)
    fields.update({f"{first}.{k}": v for k, v in JFK.items()})
    more = _post(client, url, {**fields, "more": "releases"})
    assert more.status_code == 200 and "Release history" in more.text
    fields = _fields(more.text)
    assert fields[f"{first}.agency"] == "NARA"  # typed, kept, not saved yet
    second = _empty_row(fields)
    fields.update({f"{second}.released": "1998", f"{second}.agency": "CIA",
                   f"{second}.authority": "MDR case 1998-0421"})
    assert _post(client, url, fields).status_code == 303
    assert _draft(app, DOCS[0])["releases"] == [
        JFK, {"released": "1998", "agency": "CIA", "authority": "MDR case 1998-0421",
              "note": ""}]
    shown = _fields(client.get(url).text)
    assert (shown["releases.0.authority"], shown["releases.1.released"]) == (
        "JFK Records Act", "1998")
    shown["releases.0.remove"] = "1"
    assert _post(client, url, shown).status_code == 303
    assert [r["agency"] for r in _draft(app, DOCS[0])["releases"]] == ["CIA"]


def test_a_bad_release_date_is_named_beside_its_field(app: App, tmp_path: Path) -> None:
    """'March 2025' is not a release date: 400, nothing stored, the message beside the date
    (described by it, in the summary), every part typed kept; a row with only a note is
    told it needs a date, an agency or an authority."""
    import_bundle(app, tmp_path / "b")
    client, _ = _logged_in(app, "editor")
    url = f"{PAGE}{DOCS[1]}/edit"
    fields = _fields(client.get(url).text)
    row = _empty_row(fields)
    typed = {f"{row}.released": "March 2025", f"{row}.agency": "NARA",
             f"{row}.authority": "JFK Records Act", f"{row}.note": "in full"}
    answer = _post(client, url, {**fields, **typed})
    assert answer.status_code == 400
    again = _fields(answer.text)
    assert {k: again[k] for k in typed} == typed
    ident = "f-" + f"{row}.released".replace(".", "-")
    tag = re.search(rf'<input id="{ident}"[^>]*>', answer.text)
    assert tag and 'aria-invalid="true"' in tag[0] and f"{ident}-error" in tag[0]
    assert re.search(rf'id="{ident}-error">not a release date', answer.text)
    assert f'href="#{ident}"' in answer.text.split('id="error-summary"')[1].split("</div>")[0]
    assert "releases" not in _draft(app, DOCS[1])
    only_note = _post(client, url, {**fields, f"{row}.note": "a note alone"})
    assert only_note.status_code == 400 and "a release needs its date" in only_note.text


def test_chancery_edit_sets_a_release_history(tmp_path: Path) -> None:
    """--set releases='[…]' is taken as JSON and checked like the form: a bad date is named
    by its place, nothing stored; a good one shows in the public record."""
    data = _archive(tmp_path, "draft")
    bad = json.dumps([{"released": "2025-13", "agency": "NARA"}])
    code, out = _run(data, "edit", DOCS[0], "--set", f"releases={bad}")
    assert code == 1 and "releases.0.released: not a release date" in out, out
    good = json.dumps([JFK])
    code, out = _run(data, "edit", DOCS[0], "--set", f"releases={good}")
    assert code == 0 and "1 changed" in out, out
    code, out = _run(data, "history", DOCS[0], "--json")
    assert json.loads(out)["revisions"][-1]["changes"]["releases"]["new"] == [JFK]
