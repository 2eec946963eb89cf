"""Config loading and the workspace layout: the small shared runtime every stage uses.

YAML files are parsed into strict pydantic models. ``${ENV:NAME}`` references are resolved
from the environment before validation, so secrets never sit in the file. A bad file fails
at load with the file, the key and why.

Usage::

    config = load_yaml_model(Path("connectors/examples/upi_sandbox.yaml"), ConnectorConfig)
    ws = Workspace(Path(".nijta-demo"))
    ws.bronze_table("upi_transactions")
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from nijta.exceptions import ConfigError

__all__ = ["Workspace", "load_yaml_model", "resolve_env_references"]

Model = TypeVar("Model", bound=BaseModel)
_ENV_REF = re.compile(r"\$\{ENV:([A-Za-z_][A-Za-z0-9_]*)\}")


def resolve_env_references(value: Any, *, source: Path, key: str = "") -> Any:
    """Replace every ``${ENV:NAME}`` in the strings of a parsed YAML tree."""
    if isinstance(value, dict):
        return {k: resolve_env_references(v, source=source, key=f"{key}.{k}".lstrip("."))
                for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_env_references(v, source=source, key=f"{key}[{i}]")
                for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ConfigError(f"{source}: {key}: environment variable {name} is not set")
        return os.environ[name]

    return _ENV_REF.sub(lookup, value)


def load_yaml_model(path: Path, model: type[Model]) -> Model:
    """Parse ``path`` into ``model``; errors name the file and each bad key."""
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        return model.model_validate(resolve_env_references(raw, source=path))
    except ValidationError as exc:
        problems = "; ".join(f"{_key_path(raw, err['loc'])}: {err['msg']}"
                             for err in exc.errors(include_input=False))
        raise ConfigError(f"{path}: {problems}") from None


def _key_path(raw: Any, loc: tuple[int | str, ...]) -> str:
    """The YAML key path of an error; drops the tag pydantic adds for a discriminated union
    (``source.upi_sandbox.page_size`` is ``source.page_size`` in the file)."""
    keys, node = [], raw
    for part in loc:
        if isinstance(node, dict) and part not in node and node.get("type") == part:
            continue
        keys.append(str(part))
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(keys) or "<root>"


@dataclass(frozen=True)
class Workspace:
    """Where one nijta deployment keeps its data.

    ``sources/`` stands for the banks' and PSPs' own systems (raw by nature, outside nijta);
    everything else is nijta's own storage and never holds raw personal data.
    """

    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    def bronze_table(self, name: str) -> Path:
        return self.lake / "bronze" / name

    def gold_table(self, name: str) -> Path:
        return self.lake / "gold" / name

    def staging(self, connector: str, batch_id: str) -> Path:
        return self.lake / "_staging" / connector / batch_id

    def dead_letters(self, connector: str) -> Path:
        return self.lake / "dlq" / connector

    @property
    def feature_repo(self) -> Path:
        return self.root / "feature_repo"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def training(self) -> Path:
        return self.root / "training"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def key_file(self) -> Path:
        return Path(os.environ.get("NIJTA_KEY_FILE", self.root / "keys" / "master.key"))

    @property
    def spark_local_dir(self) -> Path:
        return self.root / "tmp" / "spark"
