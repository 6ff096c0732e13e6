"""The dbt project in transforms/ and its manifest, one per engine.

The manifest is built at install time (`make install` runs `dealsync dbt parse`), never
downloaded. A code location that loads after a model file
changed (an analyst dropped one into models/analyst/) parses again, so the new model is an
asset on the next reload. Parsing needs no database: the profile reads only the environment.
"""

import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from filelock import FileLock

PROJECT_DIR = Path(os.environ.get("DEALSYNC_DBT_PROJECT_DIR")
                   or Path(__file__).resolve().parents[2] / "transforms")
ENGINES = ("duckdb", "postgres")
# What dbt reads; a change in any of them means a new manifest (and, for the deal models, a
# full rebuild: state.py fingerprints the same files).
SOURCE_GLOBS = ("dbt_project.yml", "profiles.yml", "models/**/*.sql", "models/**/*.yml",
                "macros/**/*.sql", "tests/**/*.sql", "tests/**/*.yml")


class ManifestError(RuntimeError):
    """dbt could not parse the project; the message has dbt's own error."""


def project_files(project_dir: Path = PROJECT_DIR, include_analyst: bool = True) -> list[Path]:
    files = {p for pattern in SOURCE_GLOBS for p in project_dir.glob(pattern) if p.is_file()}
    if not include_analyst:
        files = {p for p in files if "analyst" not in p.relative_to(project_dir).parts}
    return sorted(files)


def code_fingerprint(project_dir: Path = PROJECT_DIR, include_analyst: bool = True) -> str:
    digest = hashlib.sha256()
    for path in project_files(project_dir, include_analyst):
        digest.update(str(path.relative_to(project_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def target_dir(engine: str, project_dir: Path = PROJECT_DIR) -> Path:
    return project_dir / "target" / engine


def manifest_path(engine: str, project_dir: Path = PROJECT_DIR) -> Path:
    return target_dir(engine, project_dir) / "manifest.json"


@contextmanager
def dbt_environment(values: dict[str, str]):
    """Set environment variables for one dbt call (profiles.yml reads them), then restore."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def ensure_manifest(engine: str, project_dir: Path = PROJECT_DIR) -> Path:
    """The engine's manifest.json, parsed again when a project file changed since it was made."""
    path = manifest_path(engine, project_dir)
    stamp = path.with_name("code_fingerprint")
    current = code_fingerprint(project_dir)
    if not (path.exists() and stamp.exists() and stamp.read_text() == current):
        parsed_manifest(engine, project_dir)
    return path


_PARSED: dict[tuple[str, str, str], object] = {}


def parsed_manifest(engine: str, project_dir: Path = PROJECT_DIR):
    """dbt's Manifest object for this project and engine, parsed in this process once per
    version of the project files (partial parsing makes a re-parse cheap)."""
    current = code_fingerprint(project_dir)
    key = (engine, str(project_dir), current)
    if key not in _PARSED:
        path = manifest_path(engine, project_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path.with_name(".parse.lock"))):
            _PARSED[key] = _parse(engine, project_dir)
            path.with_name("code_fingerprint").write_text(current)
    return _PARSED[key]


def _parse(engine: str, project_dir: Path):
    """Parse into a scratch folder (starting from the saved partial-parse state), then rename
    manifest.json into place: a process reading it never sees half a file."""
    from dbt.cli.main import dbtRunner

    target = target_dir(engine, project_dir)
    environment = {"DEALSYNC_WAREHOUSE": engine, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    with tempfile.TemporaryDirectory(prefix=".parse-", dir=target.parent) as scratch, \
            dbt_environment(environment):
        saved = target / "partial_parse.msgpack"
        if saved.exists():
            shutil.copy(saved, Path(scratch) / saved.name)
        result = dbtRunner().invoke([
            "parse", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", scratch, "--log-path", scratch, "--quiet"])
        if not result.success:
            raise ManifestError(f"dbt could not parse {project_dir} for {engine}: "
                                f"{result.exception or 'see the dbt output above'}")
        for name in ("partial_parse.msgpack", "manifest.json"):
            os.replace(Path(scratch) / name, target / name)
    return result.result


@lru_cache(maxsize=8)
def _manifest_json(path: str, fingerprint: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def manifest_dict(engine: str, project_dir: Path = PROJECT_DIR) -> dict:
    """The parsed manifest as JSON (what @dbt_assets reads)."""
    path = ensure_manifest(engine, project_dir)
    return _manifest_json(str(path), path.with_name("code_fingerprint").read_text())
