"""CSL styles rendered by the real engine (pandoc's citeproc) for the reference record and
FRUS documents, against outputs written from each style's rules; batches render each item
as if alone; the renderings are kept and reused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chancery.bootstrap import App, build_app
from chancery.citing.interface import StyleNotFound
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.services import citing
from chancery.services.imports import import_paths
from tests.conftest import FIXTURES, _reference_text

URL = "https://archive.example.org"
ARCHIVE = "“Archiv der Parteien und Massenorganisationen der ehemaligen DDR” im Bundesarchiv"
NOTE_TITLE = ("Note, the Soviet Embassy in Beijing to the Ministry of Foreign Affairs of the "
              "People’s Republic of China")
FRUS_TITLE = "Letter From the Under Secretary of State (Herter) to President Chiang"
FRUS_VOLUME = "Foreign Relations of the United States, 1958–1960, China, Volume XIX"
OH = "Office of the Historian, U.S. Department of State"

EXPECTED = {
    # Chicago 18th, notes: Author, “Title,” trans. Names, Date, Location, Archive, Place, URL.
    ("7da35b31", "chicago-note"):
        f"Soviet Embassy in Beijing, “{NOTE_TITLE},” trans. Dieter Heinzig and Anna Eckner, "
        f"July 18, 1960, J IV 2/202/280, Stiftung {ARCHIVE}, Berlin, {URL}/documents/7da35b31.",
    # bibliography: the same parts as sentences, "Translated by" spelled out
    ("7da35b31", "chicago-bibliography"):
        f"Soviet Embassy in Beijing. “{NOTE_TITLE}.” Translated by Dieter Heinzig and Anna "
        f"Eckner. July 18, 1960. J IV 2/202/280. Stiftung {ARCHIVE}, Berlin. "
        f"{URL}/documents/7da35b31.",
    # author-date: the year after the author, the rest of the date later
    ("7da35b31", "chicago-author-date"):
        f"Soviet Embassy in Beijing. 1960. “{NOTE_TITLE}.” Translated by Dieter Heinzig and Anna "
        f"Eckner. July 18. J IV 2/202/280. Stiftung {ARCHIVE}, Berlin. {URL}/documents/7da35b31.",
    # MLA 9: day month year, the archive as a container, the website as a second container
    ("7da35b31", "mla"):
        f"Soviet Embassy in Beijing. “{NOTE_TITLE}.” Translated by Dieter Heinzig and Anna "
        f"Eckner, 18 July 1960, Stiftung {ARCHIVE}, Berlin, J IV 2/202/280. History and Public Policy "
        f"Program Digital Archive, {URL}/documents/7da35b31.",
    # APA 7: initials for translators, (Year), Archive (Location), Place, no full stop after a URL
    ("7da35b31", "apa"):
        f"Soviet Embassy in Beijing. (1960). {NOTE_TITLE} (D. Heinzig & A. Eckner, Trans.). "
        f"Stiftung {ARCHIVE} (J IV 2/202/280), Berlin. {URL}/documents/7da35b31",
    # Turabian 9 notes follow Chicago's notes
    ("7da35b31", "turabian"):
        f"Soviet Embassy in Beijing, “{NOTE_TITLE},” trans. Dieter Heinzig and Anna Eckner, "
        f"July 18, 1960, J IV 2/202/280, Stiftung {ARCHIVE}, Berlin, {URL}/documents/7da35b31.",
    # a FRUS document: a document in its printed volume, with the volume's number for it
    ("frus1958-60v19/d3", "chicago-note"):
        f"Christian A. Herter, “{FRUS_TITLE},” in {FRUS_VOLUME}, no. 3, {OH}, February 11, 1958, "
        f"Central Files, 793.5-MSP/2-1158, Department of State, {URL}/documents/hjejkwxz.",
    ("frus1958-60v19/d3", "chicago-author-date"):
        f"Herter, Christian A. 1958. “{FRUS_TITLE}.” In {FRUS_VOLUME}, No. 3. {OH}, February 11. "
        f"Central Files, 793.5-MSP/2-1158. Department of State. {URL}/documents/hjejkwxz.",
    ("frus1958-60v19/d3", "apa"):
        f"Herter, C. A. (1958, February 11). {FRUS_TITLE}. In {FRUS_VOLUME} (No. 3). {OH}. "
        f"Department of State (Central Files, 793.5-MSP/2-1158). {URL}/documents/hjejkwxz",
    # no author: the title comes first (Chicago, APA), the date stays a day
    ("frus1958-60v19/d6", "chicago-note"):
        f"“Memorandum of Conversation,” in {FRUS_VOLUME}, no. 6, {OH}, March 14, 1958, "
        f"Secretary’s Memoranda of Conversation, Lot 64 D 199, Department of State, "
        f"{URL}/documents/p33tgvft.",
    ("frus1958-60v19/d6", "apa"):
        f"Memorandum of Conversation. (1958, March 14). In {FRUS_VOLUME} (No. 6). {OH}. "
        f"Department of State (Secretary’s Memoranda of Conversation, Lot 64 D 199). "
        f"{URL}/documents/p33tgvft",
    ("frus1958-60v19/d4", "chicago-bibliography"):
        f"Robertson, Walter S. “Memorandum From the Assistant Secretary of State for Far Eastern "
        f"Affairs (Robertson) to Secretary of State Dulles.” In {FRUS_VOLUME}, No. 4. {OH}, "
        f"February 24, 1958. Central Files, 611.93/2-2458. Department of State. "
        f"{URL}/documents/a6nvr467.",
    ("frus1958-60v19/d3", "mla"):
        f"Herter, Christian A. “{FRUS_TITLE}.” {FRUS_VOLUME}, no. 3, {OH}, 11 Feb. 1958, "
        f"Department of State, Central Files, 793.5-MSP/2-1158, {URL}/documents/hjejkwxz.",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    import shutil

    root = tmp_path_factory.mktemp("cite")
    bundle = root / "reference"
    shutil.copytree(FIXTURES / "reference", bundle)
    (bundle / "000.en.txt").write_text(_reference_text("000", "The Embassy of the Union", None))
    (bundle / "001.en.txt").write_text(_reference_text("001", "TO THE CENTRAL COMMITTEE", "18 July 1960"))
    app = build_app(load_settings(data=str(root / "data"), database_url="", public_url=URL))
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml", bundle], app.import_context()).failed
    yield app
    app.catalogue.dispose()


@pytest.mark.parametrize(("ident", "style"), sorted(EXPECTED))
def test_each_style_renders_as_its_rules_say(archive: App, ident: str, style: str) -> None:
    assert citing.cite_document(archive.catalogue, archive.citer, ident, style) == EXPECTED[(ident, style)]


def test_a_batch_renders_every_item_as_if_alone(archive: App) -> None:
    """Forty FRUS letters by few authors in one call: no "1958a", no "———" for a repeated
    author; each rendering equals the one made for that item by itself."""
    citer = archive.citer
    chunk = next(iter(archive.catalogue.documents_for_index()))[:40]
    items = [citing.csl_for(s, citer) for s in chunk]
    for name in ("chicago-author-date", "mla", "apa"):
        style = citer.engine.style(name)
        together = citer.engine.render(items, style)
        assert all("———" not in r.bibliography_text for r in together)
        for n in (0, 7, 21):
            assert citer.engine.render([items[n]], style)[0] == together[n], (name, n)


def test_renderings_are_kept_and_the_page_reads_them_without_the_engine(archive: App) -> None:
    citer = archive.citer
    ids = ["7da35b31", "0874552c"]
    made = citing.prerender(archive.catalogue, citer, ["ieee", "nature"], ids)
    assert made == 4
    assert citing.prerender(archive.catalogue, citer, ["ieee", "nature"], ids) == 0  # kept
    item = citing.document_item(archive.catalogue, citer, "0874552c")
    assert item is not None
    kept = citing.kept_citations(citer, item, ["ieee", "nature", "harvard-cite-them-right"])
    assert set(kept) == {"ieee", "nature"}
    assert "Central Committee of the Communist Party" in kept["ieee"].text


def test_any_installed_style_by_name_and_dependents_through_their_parent(archive: App) -> None:
    text = citing.cite_document(archive.catalogue, archive.citer, "7da35b31", "harvard-cite-them-right")
    assert text and text.startswith("Soviet Embassy in Beijing (1960)")
    assert citer_style(archive, "turabian").path != citer_style(archive, "chicago-note").path
    with pytest.raises(StyleNotFound):
        citing.cite_document(archive.catalogue, archive.citer, "7da35b31", "../../etc/passwd")
    with pytest.raises(StyleNotFound):
        citing.cite_document(archive.catalogue, archive.citer, "7da35b31", "no-such-style")


def citer_style(app: App, name: str) -> object:
    return app.citer.engine.style(name)


def test_markup_in_a_record_is_escaped_in_the_html(archive: App) -> None:
    item = {"id": "x", "type": "manuscript", "title": "<script>alert(1)</script> & more",
            "author": [{"literal": "A <b>B</b>"}]}
    rendered = archive.citer.engine.render([item], archive.citer.engine.style("apa"))[0]
    assert "<script>" not in rendered.bibliography_html
    assert "&lt;script&gt;" in rendered.bibliography_html
