"""Meaning: passage embeddings and the vector index that serves them (issue #13)."""
