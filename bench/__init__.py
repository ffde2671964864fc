"""Benchmarks: `python -m bench` runs them all, `python -m bench ingest` one; each prints one JSON line.

See bench/README.md for what each figure means and the latest results.
"""
