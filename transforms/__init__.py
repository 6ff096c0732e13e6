"""The SQL dealsync runs: files under this folder, and the one loader for them (`transforms.sql`).

Where a statement lives: in its own file here (`<area>/<name>.sql`, one statement family per
file) when it reads or writes warehouse tables; inline in the Python that runs it only when it is
a one-line lookup or its identifiers are generated in Python.
"""
