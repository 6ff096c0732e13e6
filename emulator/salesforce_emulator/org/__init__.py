"""The emulated org itself: its schema, the DuckDB store of its records, record IDs, the
validation of writes, describe output, fixture loading and the one error type."""
