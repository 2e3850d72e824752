"""Enrichment: content in, findings out; no storage code here."""
