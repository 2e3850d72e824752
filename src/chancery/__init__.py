"""Chancery: a digital archive for declassified international-history documents."""

import os

# One BLAS thread per process, set before numpy loads OpenBLAS: processes, not threads, use
# the cores. A threaded OpenBLAS on a busy machine spins for its helpers: the sentence
# encoder took 380-520 ms to embed one question instead of 1.5 ms (load average 14, 2 cores).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
