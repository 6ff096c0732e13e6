"""The subcommands of `dealsync`, one module each; pipelines/cli.py puts them together."""
