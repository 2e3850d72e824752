"""Chinese in the index: one token per character with phrase queries (what Chancery uses)
against jieba word segmentation, on the official PRC texts in ../shared/corpus/official-zh.

Run: .venv/bin/pip install jieba==0.42.1 && .venv/bin/python benchmarks/chinese_tokenizers.py
A document is relevant to a query word when its text contains the word. Prints recall,
precision and how often the snippet highlights exactly the query word, for each method."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import tantivy
from tantivy import Filter, Query, TextAnalyzerBuilder, Tokenizer

from chancery.search.highlight import fragments, han_snippet

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "official-zh"
# Words a reader of these texts would look for: institutions, legal terms, everyday words.
QUERIES = ["户口登记", "公安机关", "人民代表大会", "外国人", "国务院", "海底电缆", "劳动保险",
           "治安保卫", "委员会", "人民调解", "传染病", "产品质量", "出生", "死亡", "迁出",
           "婚姻", "军人", "罚款", "船舶", "铁路", "工会", "企业", "卫生", "检疫", "居民",
           "本条例", "县级", "公民", "登记", "报告", "城市", "农村", "国家", "法律", "监督"]


def _texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md"))
            if p.name != "README.md"}


def _index(analyzer: tantivy.TextAnalyzer, docs: dict[str, str], prepare: object) -> tantivy.Index:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("body", stored=True, tokenizer_name="zh")
    index = tantivy.Index(sb.build())
    index.register_tokenizer("zh", analyzer)
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    for name, text in docs.items():
        doc = tantivy.Document()
        doc.add_text("id", name)
        doc.add_text("body", prepare(text))  # type: ignore[operator]
        writer.add_document(doc)
    writer.commit()
    index.reload()
    return index


def _measure(label: str, index: tantivy.Index, analyzer: tantivy.TextAnalyzer,
             split: object, docs: dict[str, str], clean: bool) -> None:
    searcher, schema = index.searcher(), index.schema
    found_ok = found_all = relevant_all = exact = highlighted = 0
    started = time.perf_counter()
    for word in QUERIES:
        tokens = analyzer.analyze(split(word))  # type: ignore[operator]
        query = (Query.term_query(schema, "body", tokens[0]) if len(tokens) == 1
                 else Query.phrase_query(schema, "body", tokens))
        hits = searcher.search(query, 100).hits
        relevant = {n for n, t in docs.items() if word in t}
        got = {str(searcher.doc(a).get_first("id")) for _, a in hits}
        found_ok += len(got & relevant)
        found_all += len(got)
        relevant_all += len(relevant)
        gen = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
        for _, addr in hits:
            snip = gen.snippet_from_doc(searcher.doc(addr))
            ranges = [(h.start, h.end) for h in snip.highlighted()]
            # the product's highlighting: adjacent characters merged, stray characters dropped
            pieces = (han_snippet(str(searcher.doc(addr).get_first("body")), [word], 120) if clean
                      else fragments(snip.fragment(), ranges))
            joined = "".join(f.text for f in pieces if f.highlighted).replace(" ", "")
            highlighted += 1
            exact += word in joined and len(joined) <= len(word) * 3
    ms = (time.perf_counter() - started) * 1000 / len(QUERIES)
    print(f"{label:<28} recall {found_ok / relevant_all:.3f}  precision "
          f"{found_ok / max(found_all, 1):.3f}  snippets highlighting the word "
          f"{exact / max(highlighted, 1):.3f}  {ms:.1f} ms/query")


def main() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    import jieba

    jieba.setLogLevel(60)
    docs = _texts()
    unigram = TextAnalyzerBuilder(Tokenizer.regex(r"\p{Han}|[\p{L}\p{N}]+")).filter(
        Filter.lowercase()).build()
    words = TextAnalyzerBuilder(Tokenizer.whitespace()).filter(Filter.lowercase()).build()

    def segment(text: str) -> str:
        return " ".join(t for t in jieba.cut(text) if not re.fullmatch(r"\s+", t))

    print(f"{len(docs)} documents, {sum(map(len, docs.values())):,} characters, "
          f"{len(QUERIES)} query words")
    chars = _index(unigram, docs, str)
    _measure("characters + phrase, raw", chars, unigram, str, docs, clean=False)
    _measure("characters + phrase (used)", chars, unigram, str, docs, clean=True)
    _measure("jieba words", _index(words, docs, segment), words, segment, docs, clean=False)


if __name__ == "__main__":
    main()
