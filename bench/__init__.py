"""Benchmarks for Jembatan: figures printed by `make bench`, never timed assertions in tests."""
