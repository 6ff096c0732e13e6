"""Staging layer behind WarehouseResource: naming, connections, bulk loads, landing, sync state.

Small modules so each concern can be read on its own; WarehouseResource (resources/warehouse.py)
is the only public entry point the assets use.
"""
