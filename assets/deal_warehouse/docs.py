"""The data dictionary: dbt's documentation site, generated from the YAML beside the models.

    dealsync docs               # writes docs/deal_warehouse/
    dealsync docs --serve 8080  # and serves it

`dbt docs generate --static` writes one self-contained HTML page (models, columns, tests,
lineage). It reads the warehouse named by the pipeline's variables (DEALSYNC_WAREHOUSE, ...)
for the column types as built; against a warehouse not built yet it still documents every
model from its YAML (--empty-catalog --no-compile).
"""

import shutil
import tempfile
from pathlib import Path

from .dbt_run import fresh_manifest, invoke
from .project import PROJECT_DIR

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "deal_warehouse"


def generate(warehouse, output: Path = OUTPUT, empty_catalog: bool = False,
             project_dir: Path = PROJECT_DIR) -> Path:
    """Write output/index.html (and catalog.json, manifest.json); returns the page."""
    with tempfile.TemporaryDirectory(prefix="dealsync-docs-") as scratch:
        # dbt runs with the manifest this process parsed, so it writes no manifest.json; the
        # static page inlines the one written here.
        fresh_manifest(warehouse.engine, project_dir).write(str(Path(scratch) / "manifest.json"))
        args = ["docs", "generate", "--static", "--target-path", scratch]
        # Against an empty warehouse nothing compiles (the staging tables are missing): the
        # page then shows each model's SQL as written.
        unbuilt = ["--empty-catalog", "--no-compile"] if empty_catalog else []
        outcome = invoke(warehouse, args + unbuilt,
                         project_dir=project_dir, write_json=True)
        if not outcome.success:
            raise RuntimeError(f"dbt docs generate failed: {outcome.error}")
        output.mkdir(parents=True, exist_ok=True)
        for name in ("catalog.json", "manifest.json"):
            shutil.copy(Path(scratch) / name, output / name)
        shutil.copy(Path(scratch) / "static_index.html", output / "index.html")
    return output / "index.html"
