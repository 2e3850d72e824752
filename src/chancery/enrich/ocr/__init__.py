"""Reading the words on scan pages: a PDF's own text layer, or Tesseract (through tesserocr),
each word with its box in the page's full-size IIIF pixels. Content in, words out: storing
them is the OCR service's (services/ocr.py)."""

import os

# One thread per Tesseract: workers, not threads, use the cores (set before libtesseract loads).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
