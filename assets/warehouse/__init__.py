"""The deal warehouse: SQL models over staging (transforms/warehouse/), run as Dagster assets.

models.py reads the model files and their headers, runner.py builds them (full or
incremental), asset.py wraps that in the `deal_warehouse` asset group.
"""
