"""The REST API at /api/v1: the archive's records as JSON with a documented schema."""
