"""The deal warehouse: the dbt project in transforms/, run by Dagster through dagster-dbt.

project.py finds the project and keeps its manifest current, dbt_run.py runs dbt in-process,
run.py decides full or incremental and wraps a dbt run (state, tombstones, the analyst
snapshot), asset.py makes every dbt model an asset in the `deal_warehouse` group.
"""
