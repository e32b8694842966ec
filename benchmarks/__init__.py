"""Benchmarks: load, rerun and compute costs at province and national scale, against a naive peer.

``make bench`` runs ``python -m benchmarks.run``: it prints a table and writes
``docs/benchmarks.md``. These are measurements, not tests; ``tests/test_bench_smoke.py`` only
runs the same functions at a tiny size and checks request counts.
"""
