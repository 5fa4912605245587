"""Benchmarks of sklearn-cyclegan; each script runs as ``python -m benchmarks.NAME``.

See ``benchmarks/README.md`` for what each measures, how long it takes and
where its output goes.
"""
