"""Search by meaning in the one search (issue #13), on the nine core FRUS volumes: plain words
find documents near them in meaning in any language, fused with the ranking by words; exact
syntax stays with the words; totals, facets and date order are over the union; meaning=0 is
the words alone; more like this.

Meaning comes from tests/meaning_helpers.py (the real encoder) over a slice of the archive:
the Sino-Soviet documents of Aug-Sept 1960 (vol. XIX), Finland under Soviet pressure in
1961-62 (vol. XVI) and the Berlin deadline of Nov 1958 (vol. VIII): embedding all 31,505
passages would take most of an hour here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.readers import Reader
from chancery.search import facet_memo
from chancery.search.facet_sampling import Sampling, two_figures
from chancery.services import search, search_meaning
from chancery.services.imports import import_paths
from chancery.services.search import Search
from chancery.web.server import create_app
from tests.conftest import CORPUS, need
from tests.meaning_helpers import embedded

CORE = CORPUS / "frus" / "core"
SLICE = ([f"frus1958-60v19/d{n}" for n in range(344, 357)]
         + [f"frus1961-63v16/d{n}" for n in range(189, 200)]
         + [f"frus1958-60v08/d{n}" for n in range(22, 31)])
pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The core volumes, indexed, with meaning over the slice."""
    need(CORE.is_dir(), f"FRUS core corpus not found at {CORE}")
    app = build_app(load_settings(data=str(tmp_path_factory.mktemp("meaning") / "data"),
                                  database_url=""))
    assert not import_paths([CORE], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    embedded(app, [_public_id(app, sid) for sid in SLICE])
    yield app
    app.catalogue.dispose()


def _public_id(app: App, source_id: str) -> str:
    editor = Reader.editor()
    stored = app.catalogue.get_document(source_id, editor.actor, editor.today)
    assert stored is not None, source_id
    return stored.document.public_id


def _found(app: App, text: str, **options: object) -> dict[str, str]:
    """Source id -> how it matched, over the first 50."""
    hits = app.search.documents(text, per_page=50, **options).results.hits  # type: ignore[arg-type]
    return {h.source_id: h.matched_by for h in hits}


def test_a_plain_question_finds_a_document_by_meaning_that_its_words_miss(core: App) -> None:
    """The embassy's telegram of 1 Nov 1961 on the Soviet note to Finland says "Finland" and
    "Soviet" but neither "pressure" nor "USSR": the words alone (three of four needed) miss
    it, meaning finds it."""
    text = "Finland under pressure from the USSR"
    assert "frus1961-63v16/d190" not in _found(core, text, meaning=False)
    assert _found(core, text).get("frus1961-63v16/d190") == "meaning"


@pytest.mark.parametrize(("text", "wanted"), [
    ("Советский Союз отозвал своих специалистов из Китая", "frus1958-60v19/d351"),
    ("Finnland unter Druck der Sowjetunion", "frus1961-63v16/d198"),
    ("苏联专家撤出中国", "frus1958-60v19/d351"),
])
def test_a_question_in_another_language_finds_english_documents(core: App, text: str,
                                                                 wanted: str) -> None:
    assert wanted not in _found(core, text, meaning=False)
    # meaning found it, alone or beside the archive's words its words were bridged to
    assert _found(core, text).get(wanted) in ("meaning", "both")


def test_a_question_no_word_matches_is_not_said_to_match_most_words(core: App) -> None:
    """A Russian question whose words no document holds (searched without the bridge to the
    archive's words): every hit came by meaning, and the page does not claim that they match
    "most of your words"."""
    unbridged = Search(core.catalogue, core.index, core.search.phonetic,
                       neighbours=core.search.neighbours)
    found = unbridged.documents("Советский Союз отозвал своих специалистов из Китая")
    assert found.results.total > 0 and found.results.by_meaning == found.results.total
    assert found.notice == ""


@pytest.mark.parametrize("text", ['"Soviet technicians"', "title:Finland", "Soviet -Berlin",
                                  "Finland OR Kekkonen", "technician*"])
def test_exact_syntax_stays_with_the_words(core: App, text: str) -> None:
    hybrid = core.search.documents(text, per_page=50)
    words = core.search.documents(text, per_page=50, meaning=False)
    assert hybrid.results.by_meaning == 0
    assert hybrid.results.total == words.results.total
    assert [h.public_id for h in hybrid.results.hits] == [h.public_id for h in words.results.hits]
    assert {h.matched_by for h in hybrid.results.hits} == {"words"}


def test_totals_facets_and_date_order_are_over_the_union(core: App) -> None:
    text = "Soviet note demanding consultations with Finland"
    words = core.search.documents(text, meaning=False).results
    hybrid = core.search.documents(text).results
    assert hybrid.by_meaning > 0
    assert hybrid.total == words.total + hybrid.by_meaning
    # every document has one type: the type counts add up to the total, meaning hits included
    assert sum(b.count for b in hybrid.facets["type"]) == hybrid.total
    by_date = core.search.documents(text, sort="date", per_page=100).results
    assert by_date.total == hybrid.total
    dates = [h.date_start for h in by_date.hits if h.date_start]
    assert dates == sorted(dates)
    # a facet narrows the documents found by meaning too
    narrowed = core.search.documents(text, filters={"year": ("1958",)}).results
    assert all(h.date_start and h.date_start.year == 1958 for h in narrowed.hits)
    assert narrowed.total < hybrid.total


@pytest.mark.parametrize("sampled", [False, True])
def test_each_bucket_counts_what_meaning_added(core: App, sampled: bool,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The words' facets are counted while meaning is looked up, and the documents found by
    meaning alone are counted apart and added (search/meaning_counts.py): every bucket is
    the total of the search narrowed to it, in each facet group (a chosen facet counts
    without its own choice), estimated facets (a full sample here) and chosen values too;
    the words' counts kept for the snapshot (search/facet_memo.py) add them again."""
    monkeypatch.setattr(facet_memo, "WORTH", 0)  # every search's counts kept
    text = "Soviet note demanding consultations with Finland"
    if sampled:  # every named facet estimated, from a sample of everything: exact figures
        saved, core.index.sampling = core.index.sampling, Sampling(above=0, one_in=1)
    try:
        whole = core.search.documents(text, histograms=("month",)).results
        assert whole.by_meaning > 0
        again = core.search.documents(text, histograms=("month",), page=2).results
        assert again.facets == whole.facets
        assert sum(b.count for b in whole.facets["month"]) == whole.total - sum(
            b.count for b in whole.facets["year"] if b.value == "undated")
        for facet in ("type", "year", "person"):
            assert any(b.approximate for b in whole.facets[facet]) == (sampled and facet == "person")
            for b in whole.facets[facet][:3]:
                narrowed = core.search.documents(text, filters={facet: (b.value,)}).results
                shown = two_figures(narrowed.total) if b.approximate else narrowed.total
                assert shown == b.count, (facet, b)
                # the chosen facet counts as if not chosen; a chosen value is exact
                counts = {x.value: x.count for x in narrowed.facets[facet]}
                assert counts.pop(b.value) == narrowed.total
                assert counts.items() <= {x.value: x.count for x in whole.facets[facet]}.items()
    finally:
        if sampled:
            core.index.sampling = saved


def test_meaning_off_is_the_words_alone(core: App) -> None:
    """meaning=False answers exactly as a search without the meaning service."""
    plain = Search(core.catalogue, core.index, core.search.phonetic)
    for text in ("Finland under pressure from the USSR", "Kekkonen Khrushchev"):
        off = core.search.documents(text, per_page=30, meaning=False).results
        alone = plain.documents(text, per_page=30).results
        assert off.total == alone.total
        assert [h.public_id for h in off.hits] == [h.public_id for h in alone.hits]


def test_the_page_and_the_api_say_what_came_by_meaning(core: App) -> None:
    client = TestClient(create_app(core))
    text = "Finland under pressure from the USSR"
    page = client.get("/search", params={"q": text}).text
    assert "found by meaning, not by your words" in page
    assert "Matched by meaning" in page
    off = client.get("/search", params={"q": text, "meaning": "0"}).text
    assert "found by meaning" not in off and "Matched by meaning" not in off
    api = client.get("/api/v1/search", params={"q": text, "limit": 50}).json()
    assert api["by_meaning"] > 0
    d190 = next(h for h in api["hits"] if h["source_id"] == "frus1961-63v16/d190")
    assert d190["matched_by"] == "meaning"
    assert d190["passage"]["where"].startswith("en-original#")
    assert "Finland" in d190["passage"]["text"]
    words = client.get("/api/v1/search", params={"q": text, "meaning": 0}).json()
    assert words["by_meaning"] == 0 and {h["matched_by"] for h in words["hits"]} == {"words"}
    assert words["total"] == api["total"] - api["by_meaning"]


def test_words_only_is_kept_by_every_link_of_the_page(core: App) -> None:
    """After "Your words only", narrowing by a facet, a year or the next page, or removing a
    filter, stays words only; without it, no link turns meaning off."""
    client = TestClient(create_app(core))
    hrefs = re.compile(r'href="(/search\?[^"]*)"')
    off = client.get("/search", params={"q": "Soviet", "meaning": "0", "f": "type:telegram"}).text
    back = re.search(r'<a href="([^"]*)">Search by meaning too</a>', off)
    assert back is not None and "meaning" not in back.group(1)
    links = [unescape(h) for h in hrefs.findall(off) if h != back.group(1)
             and ("page=2" in h or "f=" in unescape(h))]
    assert len(links) > 10 and all("meaning=0" in h for h in links)
    on = client.get("/search", params={"q": "Soviet", "f": "type:telegram"}).text
    assert not [h for h in hrefs.findall(on) if "meaning=0" in h and "Your words only" not in h
                and unescape(h) != unescape(_words_only_link(on))]
    bad = client.get("/search", params={"q": "title:"}).text  # a malformed query: the form
    assert 'name="meaning" value="0"' not in bad  # keeps meaning on


def _words_only_link(page: str) -> str:
    found = re.search(r'<a href="([^"]*)">Your words only</a>', page)
    return found.group(1) if found else ""


def test_more_like_this_on_the_page_and_the_api(core: App) -> None:
    client = TestClient(create_app(core))
    d348 = _public_id(core, "frus1958-60v19/d348")
    items = client.get(f"/api/v1/documents/{d348}/similar", params={"limit": 5}).json()["items"]
    assert len(items) == 5
    assert d348 not in {i["public_id"] for i in items}
    # its neighbours are the other Sino-Soviet documents of the summer of 1960
    assert all(i["source_id"].startswith("frus1958-60v19/") for i in items[:3])
    page = client.get(f"/documents/{d348}").text
    assert "More like this" in page and items[0]["title"] in page
    assert client.get(f"/api/v1/documents/{d348}/similar", params={"limit": 51}).status_code == 422
    assert client.get("/api/v1/documents/nosuchdoc/similar").status_code == 404
    assert search_meaning.MAX_SIMILAR == 50


def test_words_of_another_language_are_bridged_to_the_archives_words(core: App) -> None:
    """The Russian words of a question are also searched as the archive's English words
    nearest them in meaning (the vocabulary of the embedded slice): Sino-Soviet documents of
    Aug-Sept 1960 now match by words too, the page and the API say which words were searched,
    and words only (meaning=0) searches exactly what was typed."""
    text = "советские специалисты покидают Китай 1960"
    found = core.search.documents(text, per_page=50)
    assert "experts" in found.bridged.get("специалисты", ()) or \
        "specialists" in found.bridged.get("специалисты", ())
    assert "china" in found.bridged.get("Китай", ())  # as typed
    by_words = {h.source_id for h in found.results.hits if h.matched_by in ("words", "both")}
    assert "frus1958-60v19/d351" in by_words
    off = core.search.documents(text, per_page=50, meaning=False)
    assert off.bridged == {} and "frus1958-60v19/d351" not in {h.source_id for h in off.results.hits}
    client = TestClient(create_app(core))
    assert "Also searched, in the archive's words" in client.get("/search", params={"q": text}).text
    api = client.get("/api/v1/search", params={"q": text}).json()
    assert "china" in api["bridged"]["Китай"]
    assert client.get("/api/v1/search", params={"q": text, "meaning": 0}).json()["bridged"] == {}


@pytest.mark.parametrize("text", ["Soviet experts China", "Kekkonen Khrushchev",
                                  "Finland under pressure from the USSR"])
def test_english_words_the_archive_holds_are_searched_as_typed(core: App, text: str) -> None:
    """Every word is one the archive prints: nothing is bridged, and the words' side of the
    search finds exactly what words only finds."""
    hybrid = core.search.documents(text, per_page=50)
    words = core.search.documents(text, per_page=50, meaning=False)
    assert hybrid.bridged == {}
    assert hybrid.results.total == words.results.total + hybrid.results.by_meaning


def test_a_cyrillic_name_in_a_name_field_is_bridged_by_sound(core: App) -> None:
    """author:Кекконен: no record carries that spelling, and a name has no meaning to embed;
    its sound key is Kekkonen's, so his letters are found as author:Kekkonen finds them."""
    latin = {h.source_id for h in core.search.documents("author:Kekkonen", per_page=50).results.hits}
    found = core.search.documents("author:Кекконен", per_page=50)
    assert latin and found.bridged.get("Кекконен") == ("kekkonen",)
    assert {h.source_id for h in found.results.hits} == latin
