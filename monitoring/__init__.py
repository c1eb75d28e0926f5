"""Monitoring: the werkgroep's figures, suppressed for small numbers, and the half-yearly report."""

import os

# Small matrices (hundreds of rows): BLAS threads only fight over the cores, making an SVD 50x slower.
# Set here, before monitoring.suppression or monitoring.figures load numpy, which reads it when it loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
