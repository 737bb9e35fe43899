"""Benchmarks that measure the core against held-out data; not shipped with the package."""
