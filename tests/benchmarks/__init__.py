"""Tests of the benchmarks package (``benchmarks/``), apart from the library tests."""
