"""Suggested metadata: small stages that read a document's text and return findings
(domain/suggestions.py) with a confidence and the words they came from. Content in, findings
out: no catalogue here. The pipeline (pipeline.py) runs the stages in order and caches each
one's findings by content hash, stage name and version."""
