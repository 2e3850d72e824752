"""Importers: one module per source format, chosen by score. No storage code here."""
