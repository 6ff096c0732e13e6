"""Benchmarks: each module measures one part and prints JSON; bench/RESULTS.md records the numbers."""
