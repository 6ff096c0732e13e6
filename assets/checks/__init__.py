"""Data-quality gate: Great Expectations suites run as Dagster asset checks (GX imported lazily)."""
