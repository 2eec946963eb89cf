"""Load a policy directory: every ``*.yaml`` file in it, merged into one :class:`Policy`.

Each file holds any sections of :class:`~policies.configuration.PolicySections`; a name (a
purpose, a dataset …) is defined in one file only. Loading reports every error at once,
each with its file, key and reason, and raises :class:`PolicyConfigError` if there is any.
The policy's version is the SHA-256 of its canonical files (file names and parsed content:
comments and formatting do not change it).

Usage::

    policy = load_policy(DEFAULT_POLICY_DIR)
    policy.version          # 'e3b0c442…'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from nijta.configuration import resolve_env_references
from nijta.exceptions import ConfigError
from policies.configuration import Policy, PolicySections, reference_problems
from policies.exceptions import PolicyConfigError, PolicyProblem

__all__ = ["DEFAULT_POLICY_DIR", "load_policy"]

DEFAULT_POLICY_DIR = Path(__file__).parent / "defaults"
"""The shipped policy: copy the directory and edit it."""

_SINGLETONS = ("residency", "children")
_MESSAGES = {"extra_forbidden": "unknown key", "missing": "required key is missing"}


def load_policy(directory: Path) -> Policy:
    """The policy of ``directory``; :class:`PolicyConfigError` lists every error found."""
    files = _policy_files(directory)
    merged = _Merged()
    documents: dict[str, Any] = {}
    for path in files:
        document = _read(path, merged.problems)
        if document is not None:
            documents[path.name] = document
            merged.add(path.name, _valid_part(path.name, document, merged))
    for section in _SINGLETONS:
        if section not in merged.sections and (section,) not in merged.broken:
            merged.problems.append(PolicyProblem(str(directory), section,
                                                 "not defined in any file"))
    sections = PolicySections.model_validate(merged.sections)
    merged.problems += [PolicyProblem(merged.file_of(key), ".".join(key), reason)
                        for key, reason in reference_problems(sections, merged.defined())]
    if merged.problems:
        raise PolicyConfigError(str(directory), merged.problems)
    return Policy.model_validate(merged.sections).with_version(_version(documents))


def _policy_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise PolicyConfigError(str(directory), [PolicyProblem(
            str(directory), "<directory>", "not a directory")])
    files = sorted(p for p in directory.iterdir()
                   if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise PolicyConfigError(str(directory), [PolicyProblem(
            str(directory), "<directory>", "holds no *.yaml policy file")])
    return files


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (PyYAML would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read(path: Path, problems: list[PolicyProblem]) -> dict[str, Any] | None:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # a SafeLoader
    except OSError as exc:
        problems.append(PolicyProblem(path.name, "<file>", f"cannot read: {exc.strerror}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(PolicyProblem(path.name, "<file>", f"not valid YAML: {exc}"))
        return None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(PolicyProblem(path.name, "<file>", "expected a mapping of sections"))
        return None
    try:
        return resolve_env_references(raw, source=Path(path.name))
    except ConfigError as exc:  # "<file>: <key>: <reason>"
        key, _, reason = str(exc).partition(": ")[2].partition(": ")
        problems.append(PolicyProblem(path.name, key, reason or str(exc)))
        return None


def _valid_part(name: str, document: dict[str, Any], merged: _Merged) -> PolicySections:
    """The file's sections minus every entry with an error; each error becomes a problem."""
    document, removed = dict(document), set()
    while True:
        try:
            return PolicySections.model_validate(document)
        except ValidationError as exc:
            errors = exc.errors(include_input=False)
        entries = set()
        for error in errors:
            loc = tuple(str(p) for p in error["loc"] if p != "[key]")
            reason = _MESSAGES.get(error["type"], str(error["msg"]).removeprefix(
                "Value error, "))
            merged.problems.append(PolicyProblem(name, ".".join(loc) or "<file>", reason))
            entries.add(loc[:1] if loc and loc[0] in _SINGLETONS else loc[:2])
        if () in entries or entries <= removed:
            return PolicySections()  # an error that removing its entry does not cure
        removed |= entries
        merged.broken |= entries
        for entry in entries:
            _remove(document, entry)


def _remove(document: dict[str, Any], entry: tuple[str, ...]) -> None:
    section = entry[0]
    if len(entry) == 1 or not isinstance(document.get(section), dict):
        document.pop(section, None)
    else:
        document[section] = {k: v for k, v in document[section].items() if str(k) != entry[1]}


@dataclass
class _Merged:
    """The valid entries of every file so far, where each came from, and the problems."""

    sections: dict[str, Any] = field(default_factory=dict)
    origin: dict[tuple[str, ...], str] = field(default_factory=dict)
    broken: set[tuple[str, ...]] = field(default_factory=set)
    problems: list[PolicyProblem] = field(default_factory=list)

    def add(self, name: str, part: PolicySections) -> None:
        for section in part.model_fields_set:
            value = getattr(part, section)
            entries = {(section,): value} if section in _SINGLETONS else {
                (section, key): item for key, item in value.items()}
            for entry, item in entries.items():
                if entry in self.origin:
                    self.problems.append(PolicyProblem(
                        name, ".".join(entry), f"already defined in {self.origin[entry]}"))
                    continue
                self.origin[entry] = name
                if len(entry) == 1:
                    self.sections[section] = item
                else:
                    self.sections.setdefault(section, {})[entry[1]] = item

    def defined(self) -> Mapping[str, set[str]]:
        """Names defined somewhere, even if invalid: a reference to one is not an error."""
        names: dict[str, set[str]] = {}
        for entry in (*self.origin, *self.broken):
            if len(entry) == 2:
                names.setdefault(entry[0], set()).add(entry[1])
        return names

    def file_of(self, key: Iterable[str]) -> str:
        key = tuple(key)
        return self.origin.get(key[:2]) or self.origin.get(key[:1], "<policy>")


def _version(documents: Mapping[str, Any]) -> str:
    digest = hashlib.sha256()
    for name in sorted(documents):
        digest.update(json.dumps([name, documents[name]], sort_keys=True, default=str,
                                 separators=(",", ":")).encode())
    return digest.hexdigest()
