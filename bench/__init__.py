"""Benchmarks: they print figures and write bench/results/latest.json; tests never time anything."""
