"""Chancery: a digital archive for declassified international-history documents."""

__version__ = "0.1.0"
