"""Test infrastructure shared by the test packages (real servers, no mocks)."""
