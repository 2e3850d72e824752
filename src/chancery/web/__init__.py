"""The reading room: web pages over the services (issue #4 fills it out)."""
