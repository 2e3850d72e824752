"""Search by meaning: sentence embeddings of passages, and the index that finds the nearest."""
