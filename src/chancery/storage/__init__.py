"""Catalogue persistence: the interface services use, and the SQLAlchemy adapter."""
