"""Full-text search: the query grammar, the index interface, and the Tantivy adapter."""
