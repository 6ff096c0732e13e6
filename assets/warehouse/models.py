"""The warehouse models: one `.sql` file each under transforms/warehouse/, with a header that
names the model, its purpose, grain, materialization and every column with its type.

The header is the documentation (docs/data_dictionary.md is generated from it) and the
contract: tests check that each built table has exactly the columns and types it declares.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parents[2] / "transforms" / "warehouse"
SCHEMA = "warehouse"

# Build order: each model reads only staging views, seeds and the models before it.
MODEL_ORDER = ("owners", "stages", "deal_classification", "deal_contacts", "deal_activities",
               "deal_emails", "deals", "deal_skips", "deal_stage_history",
               "deal_time_in_stage", "deal_pipeline_daily", "owner_performance")
TABLE_ORDER = ("licensed_users", "stage_mapping", "deal_filter_values", "deal_imports",
               "transform_state", "purge_tombstones", "purge_log")
TYPES = ("varchar", "boolean", "bigint", "double precision", "date", "timestamp")
MATERIALIZATIONS = ("table", "incremental", "seed", "state")

_COLUMN = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*) (?P<type>" + "|".join(TYPES)
                     + r"): (?P<doc>.+)$")
_FIELD = re.compile(r"^(Model|Table|Purpose|Grain|Materialization|Columns):\s*(.*)$")


class ModelHeaderError(ValueError):
    """A model file's header is missing a part or declares a column badly."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class Model:
    name: str
    path: Path
    purpose: str
    grain: str
    materialization: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def sql(self) -> str:
        return _read(self.path)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def incremental(self) -> bool:
        return self.materialization == "incremental"


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def parse_header(path: Path) -> Model:
    """Read the leading `--` comment block of a model or table file."""
    parts: dict[str, str] = {}
    columns: list[list[str]] = []
    current = None
    for line in _read(path).splitlines():
        if not line.startswith("--"):
            break
        text = line[2:].strip()
        match = _FIELD.match(text)
        if match and current != "Columns":
            current, value = match.group(1), match.group(2)
            parts[current] = value
            continue
        if current == "Columns" and line.startswith("--   ") and not line.startswith("--     "):
            columns.append([text])
        elif current == "Columns" and columns:
            columns[-1].append(text)
        elif current is not None:
            parts[current] = f"{parts[current]} {text}".strip()
    return _model(path, parts, columns)


def _model(path: Path, parts: dict[str, str], columns: list[list[str]]) -> Model:
    name = parts.get("Model") or parts.get("Table")
    for key in ("Purpose", "Grain", "Materialization"):
        if not parts.get(key):
            raise ModelHeaderError(f"{path}: the header needs a '-- {key}:' line")
    if name != path.stem:
        raise ModelHeaderError(f"{path}: '-- Model: {name}' must match the file name")
    if parts["Materialization"] not in MATERIALIZATIONS:
        raise ModelHeaderError(f"{path}: Materialization must be one of "
                               f"{', '.join(MATERIALIZATIONS)}")
    parsed = []
    for lines in columns:
        match = _COLUMN.match(" ".join(lines))
        if not match:
            raise ModelHeaderError(f"{path}: column line {lines[0]!r} must read "
                                   f"'name type: description' with type one of {TYPES}")
        parsed.append(Column(match["name"], match["type"], match["doc"]))
    if not parsed:
        raise ModelHeaderError(f"{path}: the header lists no columns under '-- Columns:'")
    return Model(name, path, parts["Purpose"], parts["Grain"], parts["Materialization"],
                 tuple(parsed))


@cache
def models() -> tuple[Model, ...]:
    """The transforms, in build order."""
    return tuple(parse_header(SQL_DIR / f"{name}.sql") for name in MODEL_ORDER)


@cache
def tables() -> tuple[Model, ...]:
    """Seed and state tables (their files are the DDL)."""
    return tuple(parse_header(SQL_DIR / "tables" / f"{name}.sql") for name in TABLE_ORDER)


def step_sql(name: str) -> str:
    return _read(SQL_DIR / "steps" / f"{name}.sql")
