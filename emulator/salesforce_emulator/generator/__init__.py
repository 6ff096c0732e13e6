"""Data that changes the org: the deterministic demo org (`demo.generate_org`) and live mode,
which keeps changing it at a set rate."""
