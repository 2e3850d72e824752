"""Search through the service on a real archive: the reference pair, FRUS 1958-60 vol. XIX,
and official texts in Russian, German and Chinese; name variants, facets, languages, the
publication rule, sorting, paging, malformed queries and a stale index."""

from __future__ import annotations

import contextlib
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import tantivy
import yaml

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.publication import Actor
from chancery.enrich.names import phonetic_key
from chancery.search.grammar import QueryError
from chancery.search.interface import SCHEMA_VERSION, IndexUnavailable
from chancery.search.tantivy_index import TantivyIndex
from chancery.services import search
from chancery.services.imports import import_paths
from tests.conftest import CORPUS, FIXTURES, _reference_text, need

OFFICIAL = {  # language -> (file under ../shared/corpus, title)
    "ru": ("official-ru/18376.txt", "Распоряжение об изменении состава Совета"),
    "de": ("official-de/agb_ddr.md", "Arbeitsgesetzbuch der Deutschen Demokratischen Republik"),
    "zh": ("official-zh/户口登记条例(1958-01-09).md", "中华人民共和国户口登记条例"),
}


def _official_bundle(dest: Path) -> Path:
    dest.mkdir()
    (dest / "bundle.yaml").write_text(yaml.safe_dump({"format": "chancery-bundle", "version": 1,
                                                      "title": "Official texts"}))
    for n, (lang, (path, title)) in enumerate(OFFICIAL.items()):
        shutil.copy(CORPUS / path, dest / f"{lang}.txt")
        meta = {"public_id": f"off{lang}", "source_id": f"official/{lang}", "title": title,
                "type": "law", "date": f"19{58 + n}",
                "texts": [{"language": lang, "kind": "original", "file": f"{lang}.txt"}]}
        (dest / f"{lang}.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True))
    return dest


def _reference(dest: Path) -> Path:
    shutil.copytree(FIXTURES / "reference", dest)
    (dest / "000.en.txt").write_text(_reference_text("000", "The Embassy of the Union", None))
    (dest / "001.en.txt").write_text(_reference_text("001", "TO THE CENTRAL COMMITTEE", "18 July 1960"))
    return dest


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """One indexed SQLite archive for the read-only tests of this module."""
    need((CORPUS / "official-ru").is_dir(), f"corpus not found at {CORPUS}")
    root = tmp_path_factory.mktemp("search")
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    sources = [DEMO_DIR / "frus1958-60v19.xml", _reference(root / "reference"),
               _official_bundle(root / "official")]
    assert not import_paths(sources, app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


def _find(app: App, text: str, actor: Actor = Actor.PUBLIC, **kw: object) -> search.SearchPage:
    return app.search.documents(text, actor=actor, **kw)  # type: ignore[arg-type]


def _ids(page: search.SearchPage) -> set[str]:
    return {h.public_id for h in page.results.hits}


@pytest.mark.parametrize("spelling", ["Khrushchev", "Khruschev", "Khrushchov", "Хрущёв", "Хрущев",
                                      "Chruschtschow", "赫鲁晓夫", "Hruščëv"])
def test_every_spelling_finds_khrushchevs_letter(archive: App, spelling: str) -> None:
    """The letter signed N. KHRUSHCHEV is found by every romanisation and script."""
    assert "0874552c" in _ids(_find(archive, spelling, per_page=100))


def test_a_name_variant_finds_documents_that_print_another_spelling(archive: App) -> None:
    """A search for 'Khruschev' finds FRUS documents printing 'Khrushchev' through the authority
    record, and highlights the spelling the text uses."""
    page = _find(archive, "Khruschev", per_page=100)
    frus = [h for h in page.results.hits if h.source_id.startswith("frus1958-60v19/")]
    assert len(frus) >= 10
    marked = {f.text.lower() for h in frus for s in h.snippets for f in s.fragments if f.highlighted}
    assert "khrushchev" in marked


def test_phrase_and_snippets_highlight_what_matched(archive: App) -> None:
    """An exact phrase finds the note and highlights the phrase's words in its text."""
    page = _find(archive, '"Soviet experts" recalling')
    assert "7da35b31" in _ids(page)
    hit = next(h for h in page.results.hits if h.public_id == "7da35b31")
    marked = [f.text for s in hit.snippets for f in s.fragments if f.highlighted]
    assert {"Soviet", "experts"} <= set(marked) or "recalling" in marked


@pytest.mark.parametrize(("lang", "query", "highlight"), [
    ("ru", "объединений", "объединениями"),  # another case form: the Russian stemmer
    ("de", "Arbeitsgesetzbuchs", "Arbeitsgesetzbuch"),  # genitive: the German stemmer
    ("zh", "户口登记", "户口登记"),  # a Chinese word inside an unsegmented run
])
def test_each_language_is_searched_with_its_own_analysis(
        archive: App, lang: str, query: str, highlight: str) -> None:
    """Russian and German words are stemmed; Chinese is found inside running text, and the
    snippet highlights the whole word."""
    page = _find(archive, query)
    assert f"off{lang}" in _ids(page)
    hit = next(h for h in page.results.hits if h.public_id == f"off{lang}")
    marked = ["".join(f.text for f in s.fragments if f.highlighted) for s in hit.snippets]
    assert any(highlight in m for m in marked), marked
    assert _find(archive, f"{query} lang:{lang}").results.total >= 1


def test_facets_count_the_whole_result_set_and_narrow_with_or_within_a_facet(archive: App) -> None:
    """Counts cover every hit, not the page; two values of one facet widen, another facet narrows."""
    page = _find(archive, "Taiwan", per_page=5)
    total = page.results.total
    assert total > 50 and len(page.results.hits) == 5
    types = {b.value: b.count for b in page.results.facets["type"]}
    assert sum(types.values()) == total
    assert sum(b.count for b in page.results.facets["year"]) == total
    decades = {b.value: b.count for b in page.results.facets["decade"]}
    assert sum(decades.values()) == total
    by_year = _find(archive, "Taiwan", filters={"decade": ("1950",)}).results.total
    assert decades["1950"] == by_year  # summed from the years, counted again by the filter
    telegram = _find(archive, "Taiwan", filters={"type": ("telegram",)}).results
    both = _find(archive, "Taiwan", filters={"type": ("telegram", "memorandum")}).results
    assert telegram.total == types["telegram"]
    assert both.total == types["telegram"] + types["memorandum"]
    # the selected facet still shows the other values' counts, marked unselected
    shown = {b.value: (b.count, b.selected) for b in telegram.facets["type"]}
    assert shown["telegram"] == (types["telegram"], True) and shown["memorandum"][1] is False
    narrowed = _find(archive, "Taiwan", filters={"type": ("telegram",), "year": ("1958",)}).results
    assert 0 < narrowed.total < telegram.total
    for facet in ("decade", "classification", "language", "collection", "archive", "author",
                  "recipient", "person", "place"):
        assert page.results.facets[facet], facet
    labels = {b.value: b.label for b in page.results.facets["person"]}
    assert all(labels[k] and labels[k] != k for k in labels)


def test_field_queries_and_date_ranges(archive: App) -> None:
    """author:, recipient:, place:, type:, classification: and date: each narrow correctly."""
    herter = _find(archive, "author:Herter", per_page=100).results
    assert herter.total > 0
    assert all(h.public_id for h in herter.hits)
    in_1958 = _find(archive, "Taiwan date:1958-09", per_page=100).results.hits
    assert in_1958 and all(h.date_start and h.date_start.isoformat().startswith("1958-09")
                           for h in in_1958)
    secret = _find(archive, "Taiwan classification:secret", per_page=100).results.hits
    assert secret and all(h.level == "secret" for h in secret)
    telegrams = _find(archive, "type:telegram", per_page=100).results.hits
    assert telegrams and all(h.doc_type == "telegram" for h in telegrams)
    assert _find(archive, "place:Guangzhou").results.total >= 1


def test_sorting_by_date_and_paging(archive: App) -> None:
    """Date order either way, pages that follow each other without overlap."""
    up = _find(archive, "Taiwan", sort="date", per_page=20).results.hits
    down = _find(archive, "Taiwan", sort="-date", per_page=20).results.hits
    starts = [h.date_start for h in up if h.date_start]
    assert starts == sorted(starts)
    assert [h.date_start for h in down if h.date_start] == sorted(
        [h.date_start for h in down if h.date_start], reverse=True)
    second = _find(archive, "Taiwan", sort="date", per_page=20, page=2).results.hits
    assert not {h.public_id for h in up} & {h.public_id for h in second}


def test_empty_results_suggest_what_to_relax(archive: App) -> None:
    """A search that finds nothing offers relaxed searches that do find something."""
    page = _find(archive, "Taiwan Guangzhou Herter", filters={"type": ("law",)})
    assert page.results.total == 0
    assert page.suggestions and all(s.total > 0 for s in page.suggestions)


def test_a_long_query_of_ordinary_words_ranks_all_then_most_of_them(archive: App) -> None:
    """'Soviet experts withdrawal 1960' finds the Soviet note of July 1960, which says
    'recalling', not 'withdrawal', and never prints its year (every word used to be
    required); documents with all four words come first, then those with three, and the page
    says it shows documents that match most of the words."""
    page = _find(archive, "Soviet experts withdrawal 1960", per_page=100)
    assert "7da35b31" in _ids(page)
    has = [{i for ids in archive.search.select(w).chunks for i in ids}
           for w in ("Soviet", "experts", "withdrawal", "1960")]
    every = set.intersection(*has)
    assert page.all_words == len(every) < page.results.total
    ranked = [h.public_id for h in page.results.hits]
    assert set(ranked[:len(every)]) == every
    counts = [sum(i in words for words in has) for i in ranked]
    assert counts == sorted(counts, reverse=True) and min(counts) == 3
    assert "match most of your words" in page.notice


def test_a_question_finds_documents_and_explicit_syntax_stays_strict(archive: App) -> None:
    """A question in ordinary words finds documents (it used to find none and suggest an OR of
    every word); with quotation marks the same words are all required again."""
    question = _find(archive, "what did the Soviet embassy say about the experts in China")
    assert question.results.total > 0 and not question.suggestions
    assert question.all_words is not None and question.notice
    strict = _find(archive, '"Soviet embassy" experts China')
    assert strict.all_words is None and strict.notice == ""
    quoted = _find(archive, '"Soviet experts" withdrawal 1960')
    assert quoted.all_words is None and quoted.results.total < _find(
        archive, "Soviet experts withdrawal 1960").results.total
    assert "7da35b31" not in _ids(quoted)


def test_search_within_one_document_finds_every_passage(archive: App) -> None:
    """Every paragraph of the note that names the experts comes back, highlighted, in order."""
    passages = archive.search.within("7da35b31", "experts")
    assert passages is not None and len(passages) >= 4
    assert all(any(f.highlighted for f in p.fragments) for p in passages)
    order = [int(p.where.split("#")[1]) for p in passages]
    assert order == sorted(order)
    assert archive.search.within("nope", "x") is None


def test_malformed_queries_and_options_raise_query_error(archive: App) -> None:
    """Broken syntax, unknown facets and sorts, absurd pages: QueryError, never a crash."""
    for bad, kw in [('"open', {}), ("foo:bar", {}), ("x", {"sort": "sideways"}),
                    ("x", {"filters": {"colour": ("red",)}}), ("x", {"page": 0}),
                    ("x", {"page": 10_000})]:
        with pytest.raises(QueryError):
            _find(archive, bad, **kw)
    rng = random.Random(3)
    pieces = ['"', "(", ")", "-", "*", "~", "title:", "date:19", "OR", "Taiwan", "外", " "]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        with contextlib.suppress(QueryError):
            _find(archive, text, per_page=3)


def _set_publication(bundle: Path, name: str, publication: dict[str, str]) -> None:
    meta = yaml.safe_load((bundle / name).read_text())
    meta["publication"] = publication
    (bundle / name).write_text(yaml.safe_dump(meta, allow_unicode=True))


@pytest.mark.parametrize("publication", [{"state": "draft"}, {"state": "in-review"},
                                         {"state": "withdrawn"},
                                         {"state": "published", "embargo_until": "2999-01-01"}])
def test_hidden_documents_are_absent_from_hits_counts_facets_and_snippets(
        app: App, tmp_path: Path, publication: dict[str, str]) -> None:
    """A draft, a document in review, a withdrawn one and an embargoed one are invisible to the
    public in every part of a search, and visible to editors; on both catalogue backends."""
    bundle = _reference(tmp_path / "reference")
    _set_publication(bundle, "000.yaml", publication)
    assert not import_paths([bundle], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    public = _find(app, "Guangzhou OR Beijing OR Khrushchev", per_page=50).results
    assert "7da35b31" not in {h.public_id for h in public.hits}
    assert public.total == 1
    facet_values = {b.value for buckets in public.facets.values() for b in buckets}
    assert "place/guangzhou" not in facet_values and "note" not in facet_values
    snippets = " ".join(f.text for h in public.hits for s in h.snippets for f in s.fragments)
    assert "Guangzhou" not in snippets
    editor = _find(app, "Guangzhou OR Beijing OR Khrushchev", actor=Actor.EDITOR).results
    assert editor.total == 2
    assert app.search.within("7da35b31", "experts") is None


def test_missing_foreign_and_lagging_indexes_are_reported(sqlite_app: App, tmp_path: Path) -> None:
    """No index, an index from another rebuild, and an index behind the catalogue each say how
    to fix it instead of answering wrongly; a sync catches a lagging index up."""
    bundle = _reference(tmp_path / "reference")
    import_paths([bundle], sqlite_app.import_context())
    with pytest.raises(IndexUnavailable, match="reindex"):
        _find(sqlite_app, "Khrushchev")
    search.rebuild_index(sqlite_app.catalogue, sqlite_app.index)
    assert _find(sqlite_app, "Khrushchev").results.stale_by == 0
    _set_publication(bundle, "001.yaml", {"state": "published"})
    meta = yaml.safe_load((bundle / "001.yaml").read_text())
    meta["summary"] = "Changed after indexing."
    (bundle / "001.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True))
    import_paths([bundle], sqlite_app.import_context())
    assert _find(sqlite_app, "Khrushchev").results.stale_by >= 1
    assert _find(sqlite_app, "Changed after indexing").results.total == 0
    assert search.sync_index(sqlite_app.catalogue, sqlite_app.index) == 1
    assert _find(sqlite_app, "Khrushchev").results.stale_by == 0
    assert _ids(_find(sqlite_app, '"Changed after indexing"')) == {"0874552c"}
    assert _find(sqlite_app, "propagandized").results.total == 0  # the old summary is gone
    sqlite_app.catalogue.set_index_generation(99)
    with pytest.raises(IndexUnavailable, match="not built from this catalogue"):
        _find(sqlite_app, "Khrushchev")


def test_month_and_day_counts_for_browsing_by_date(archive: App) -> None:
    """Month and day histograms count only dates that precise, and agree with date: searches."""
    page = _find(archive, "date:1958", per_page=1, histograms=("month", "day"))
    months = {b.value: b.count for b in page.results.facets["month"]}
    assert set(months) <= {f"1958{m:02d}" for m in range(1, 13)} and months
    september = _find(archive, "date:1958-09", per_page=1).results.total
    assert months["195809"] <= september  # documents dated only "1958" are in neither
    days = {b.value: b.count for b in page.results.facets["day"]}
    assert sum(v for k, v in days.items() if k.startswith("195809")) <= months["195809"]
    one_day = max(days, key=lambda k: days[k])
    assert _find(archive, f"date:{one_day[:4]}-{one_day[4:6]}-{one_day[6:]}").results.total >= days[one_day]
    recent = _find(archive, "", sort="recent", per_page=3).results.hits
    assert len(recent) == 3


@pytest.mark.parametrize("recorded", [1, SCHEMA_VERSION])  # an older layout; or a foreign one
def test_reindex_replaces_an_index_of_an_older_layout(sqlite_app: App, tmp_path: Path,
                                                      recorded: int) -> None:
    """After an upgrade changes the index layout, searching says to reindex, and reindexing
    works: the old index is removed (and nothing else in its folder, nor Tantivy's locks)."""
    import_paths([_reference(tmp_path / "reference")], sqlite_app.import_context())
    folder = sqlite_app.settings.index_dir
    folder.mkdir(parents=True, exist_ok=True)
    old = tantivy.SchemaBuilder()
    old.add_text_field("id", stored=True, tokenizer_name="raw")
    writer = tantivy.Index(old.build(), path=str(folder)).writer(15_000_000, 1)
    writer.add_document(tantivy.Document(id="old"))
    writer.commit()
    writer.wait_merging_threads()
    (folder / "chancery-index.json").write_text(
        f'{{"schema": {recorded}, "generation": 1, "changes": 0}}')
    (folder / "notes.txt").write_text("kept")
    (folder / ".tantivy-meta.lock").write_text("the same file")  # Tantivy's are empty
    if recorded != SCHEMA_VERSION:
        with pytest.raises(IndexUnavailable, match="reindex"):
            _find(sqlite_app, "Khrushchev")
    fresh = TantivyIndex(folder)  # as `chancery reindex` opens it, in a new process
    assert search.rebuild_index(sqlite_app.catalogue, fresh) >= 1
    assert (folder / "notes.txt").read_text() == "kept"
    assert (folder / ".tantivy-meta.lock").read_text() == "the same file"
    found = search.Search(sqlite_app.catalogue, fresh, phonetic_key).documents(
        "Khrushchev", actor=Actor.EDITOR)
    assert _ids(found) >= {"0874552c"}


def test_a_search_without_words_lists_in_date_order(tmp_path: Path) -> None:
    """Facets or dates alone give every document the same score: such a result comes in date
    order (it came in the index's order, which a rebuild reshuffles). Documents of the same
    day still tie; see docs/search.md."""
    from chancery.bootstrap import build_app
    from chancery.config import load_settings
    from chancery.demo import DEMO_DIR
    from chancery.services.imports import import_paths

    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    try:
        assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"], app.import_context()).failed
        search.rebuild_index(app.catalogue, app.index)
        for q in ("date:1958", "type:telegram", ""):
            hits = app.search.documents(q, per_page=100, facets=False).results.hits
            starts = [h.date_start for h in hits if h.date_start]
            assert len(starts) > 50 and starts == sorted(starts), q
    finally:
        app.catalogue.dispose()
