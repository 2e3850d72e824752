"""Blob stores: file content addressed by its SHA-256."""
