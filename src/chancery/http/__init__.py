"""What the HTTP entry points (reading room, API, OAI-PMH, IIIF) share without importing one
another: rate limits and client addresses, and the addresses of the reading room's pages."""
