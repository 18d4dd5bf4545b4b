"""Benchmarks: `bench/run` measures the platform at global-consultation scale (see bench/README.md)."""
