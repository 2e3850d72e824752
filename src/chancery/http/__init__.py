"""What the HTTP entry points (reading room, API, OAI-PMH, IIIF) share without importing one
another: rate limits and client addresses, the addresses of pages, conditional responses."""
