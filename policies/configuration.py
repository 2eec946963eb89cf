"""The policy model: what nijta may keep, for which purpose, where, and for whom.

A policy is a directory of YAML files (see :mod:`policies.loading`; shipped defaults in
``policies/defaults/``). Each file holds any of these sections; together they form one
:class:`Policy`:

=================  ==========================================================================
section            holds
=================  ==========================================================================
``categories``     data categories (identifier, financial, behavioural, …) and their defaults
``purposes``       purposes: lawful basis, allowed categories, retention, AA purpose codes
``datasets``       dataset classifications: each source field's category and transform
``regions``        cloud or on-premises regions and their country
``locations``      storage locations (URI prefixes) and their region
``residency``      allowed regions, data classes and their rules, DPDP s.16 barred countries
``children``       what is never built or served for a child (< 18)
``serving_clients``  the product services that call the serving API, and their purposes
``feature_views``  each feature's data category
=================  ==========================================================================

Usage::

    policy = load_policy(Path("policies/defaults"))
    plan = policy.field_plan("upi_transactions")      # a FieldPlan for anonymize/
    policy.location_for("s3://nijta-lake-mumbai/bronze")
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Literal, NamedTuple, Self
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from policies.field_plan import FieldPlan, FieldRule, Transform

__all__ = ["AaPurposeCode", "Category", "ChildrenRules", "ClassifiedField", "DataClass",
           "DatasetClassification", "FeatureViewClassification", "LegitimateUse", "Policy",
           "PolicySections", "Purpose", "Region", "Residency", "ResidencyRequirement",
           "ServingClient", "StorageAddress", "StorageLocation", "reference_problems"]

_NAME = r"^[a-z][a-z0-9_]{0,62}$"
Name = Annotated[str, Field(pattern=_NAME)]
UNKNOWN_COLUMN_CATEGORY = "free_text"
"""The category of source columns a dataset does not classify (when it allows unknown ones):
they may hold anything, so they are scanned and scrubbed like free text."""

AaPurposeCode = Literal["101", "102", "103", "104", "105"]
"""ReBIT AA purpose codes (the ``Purpose.code`` of a consent artefact)."""
LegitimateUse = Literal["7(a)", "7(b)", "7(c)", "7(d)", "7(e)", "7(f)", "7(g)", "7(h)",
                        "7(i)"]
"""The clause of DPDP Act section 7 that makes a processing a legitimate use."""
ResidencyRequirement = Literal["india_only", "allowed_regions"]
"""``india_only``: the location's country is IN (RBI 2018 payment-data localisation).
``allowed_regions``: the location's region is one of ``residency.allowed_regions``."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Strict):
    """A kind of data, e.g. ``identifier`` or ``behavioural``."""

    description: str
    personal: bool = True
    """Whether data of this category is personal data under the DPDP Act."""
    default_transform: Transform | None = None
    """The transform of a field of this category that names none (e.g. ``scrub`` for free
    text, ``drop`` for credentials); only transforms that take no options."""

    @model_validator(mode="after")
    def _default_needs_no_options(self) -> Self:
        if self.default_transform is not None:
            FieldRule(transform=self.default_transform)
        return self


class Purpose(_Strict):
    """Why data is processed: the unit of consent, minimisation and retention."""

    description: str
    lawful_basis: Literal["consent", "legitimate_use"]
    """DPDP s.4: the principal's consent, or a legitimate use of s.7."""
    legitimate_use: LegitimateUse | None = None
    """Required when ``lawful_basis`` is ``legitimate_use``: the clause of s.7."""
    allowed_categories: tuple[str, ...] = Field(min_length=1)
    """The data categories this purpose may use; anything else is dropped or refused."""
    retention_days: int = Field(ge=1)
    """Days data kept for this purpose lives after its event time (DPDP s.8(7))."""
    aa_purpose_codes: tuple[AaPurposeCode, ...] = ()
    """AA consent purpose codes that map onto this purpose (quote them: ``["104"]``)."""

    @model_validator(mode="after")
    def _basis_is_complete(self) -> Self:
        if (self.lawful_basis == "legitimate_use") != (self.legitimate_use is not None):
            raise ValueError("'legitimate_use' (the clause of DPDP s.7) is required exactly "
                             "when lawful_basis is legitimate_use")
        return self


class ClassifiedField(FieldRule):
    """A source field: its category, and its field-plan rule (``transform`` and options).

    Without ``transform`` the category's ``default_transform`` applies.
    """

    category: str
    transform: Transform | None = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _options_fit_the_transform(self) -> Self:  # replaces FieldRule's check of the same name
        if self.transform is None:
            return self  # checked once the category's default is known (reference_problems)
        return FieldRule._options_fit_the_transform(self)  # type: ignore[return-value]

    def rule(self, default: Transform | None) -> FieldRule:
        """The field-plan rule, with ``default`` when the field names no transform."""
        transform = self.transform or default
        if transform is None:
            raise ValueError(f"no transform, and category {self.category!r} has no "
                             "default_transform")
        options = self.model_dump(exclude={"category", "transform"}, exclude_none=True)
        return FieldRule.model_validate({**options, "transform": transform})


class DatasetClassification(_Strict):
    """One dataset: each source field's category and transform, and what it may be used for."""

    description: str
    data_class: str
    """Residency class of the data (a key of ``residency.data_classes``, e.g. ``payment``)."""
    purposes: tuple[str, ...] = Field(min_length=1)
    """The only purposes this dataset may be processed for (purpose limitation)."""
    time_column: str
    """The source field with each record's event time; retention counts from it."""
    allow_unknown: bool = False
    """Whether source columns missing from ``fields`` are scanned and scrubbed as free text
    (true) or refused (false, the default)."""
    fields: dict[str, ClassifiedField] = Field(min_length=1)


class Region(_Strict):
    """A place data can be stored, e.g. ``aws-ap-south-1`` (Mumbai)."""

    description: str = ""
    country: str = Field(pattern=r"^[A-Z]{2}$")
    """ISO 3166-1 alpha-2 country code."""


class StorageAddress(NamedTuple):
    """A storage URI in comparable form: scheme, authority (bucket, container@account) and
    path segments. Plain paths become absolute ``file`` addresses."""

    scheme: str
    authority: str
    path: tuple[str, ...]

    @classmethod
    def parse(cls, uri: str) -> StorageAddress:
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri):
            return cls("file", "", _segments(os.path.abspath(uri)))
        parts = urlsplit(uri)
        scheme = {"s3a": "s3", "s3n": "s3"}.get(parts.scheme.lower(), parts.scheme.lower())
        authority = parts.netloc.lower()
        if scheme == "file" and authority == "localhost":
            authority = ""
        return cls(scheme, authority, _segments(unquote(parts.path)))

    def within(self, prefix: StorageAddress) -> bool:
        """Whether this address is at or under ``prefix`` (whole path segments only)."""
        return (self.scheme, self.authority) == (prefix.scheme, prefix.authority) and \
            self.path[:len(prefix.path)] == prefix.path


def _segments(path: str) -> tuple[str, ...]:
    # normpath folds "." and ".." so a path cannot climb out of a location by its spelling
    return tuple(s for s in posixpath.normpath("/" + path).split("/") if s)


class StorageLocation(_Strict):
    """A storage location: every URI under ``uri`` is in ``region``."""

    description: str = ""
    uri: str
    """URI prefix: ``file:///srv/lake``, ``s3://bucket/prefix``, ``gs://bucket``,
    ``abfss://container@account.dfs.core.windows.net/path``, or an absolute path."""
    region: str

    @model_validator(mode="after")
    def _uri_is_absolute(self) -> Self:
        if "://" not in self.uri and not self.uri.startswith("/"):
            raise ValueError(f"uri {self.uri!r} must be a URI (s3://, gs://, abfss://, "
                             "file://) or an absolute path")
        return self

    @property
    def address(self) -> StorageAddress:
        return StorageAddress.parse(self.uri)


class DataClass(_Strict):
    """A residency class of data, e.g. ``payment`` or ``personal``."""

    description: str
    requires: tuple[ResidencyRequirement, ...] = ()
    """Checked in order for every storage location; empty: storable anywhere not barred."""


class Residency(_Strict):
    """Where data may be stored."""

    allowed_regions: tuple[str, ...] = Field(min_length=1)
    """Regions that may hold personal data."""
    barred_countries: tuple[str, ...] = ()
    """Countries restricted under DPDP s.16 (ISO alpha-2): never a storage location."""
    data_classes: dict[str, DataClass] = Field(min_length=1)

    @model_validator(mode="after")
    def _countries_are_codes(self) -> Self:
        bad = [c for c in self.barred_countries if not re.fullmatch(r"[A-Z]{2}", c)]
        if bad:
            raise ValueError(f"barred_countries {bad} are not ISO 3166-1 alpha-2 codes")
        return self


class ChildrenRules(_Strict):
    """DPDP s.9: what is never done with a child's (< 18) data."""

    restricted_categories: tuple[str, ...] = Field(min_length=1)
    """Categories never built or served for a child: tracking and behavioural monitoring."""
    barred_purposes: tuple[str, ...] = ()
    """Purposes never applied to a child at all (e.g. targeted advertising)."""


class ServingClient(_Strict):
    """A product service that calls the serving API."""

    description: str = ""
    purposes: tuple[str, ...] = Field(min_length=1)
    """The purposes it is registered for; any other is refused."""


class FeatureViewClassification(_Strict):
    """A Feast feature view: the data category of each feature."""

    description: str = ""
    dataset: str | None = None
    """The dataset the features are built from."""
    features: dict[str, str] = Field(min_length=1)
    """Feature name → data category."""


class PolicySections(_Strict):
    """Every section of a policy, each optional: the shape of one policy file."""

    categories: dict[Name, Category] = {}
    purposes: dict[Name, Purpose] = {}
    datasets: dict[Name, DatasetClassification] = {}
    regions: dict[str, Region] = {}
    locations: dict[Name, StorageLocation] = {}
    residency: Residency | None = None
    children: ChildrenRules | None = None
    serving_clients: dict[Name, ServingClient] = {}
    feature_views: dict[Name, FeatureViewClassification] = {}


class Policy(PolicySections):
    """A whole, consistent policy: every reference resolves (see :func:`reference_problems`)."""

    residency: Residency
    children: ChildrenRules
    _version: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        problems = [f"{'.'.join(key)}: {reason}" for key, reason in reference_problems(self)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def version(self) -> str:
        """SHA-256 of the policy: of its canonical files when loaded from a directory
        (:func:`policies.loading.load_policy`), else of the model itself."""
        return self._version or hashlib.sha256(
            json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()

    def with_version(self, version: str) -> Policy:
        """This policy, reporting ``version`` (the loader's hash of the files)."""
        copy = self.model_copy()
        copy._version = version
        return copy

    def field_categories(self, dataset: str) -> dict[str, str]:
        return {name: f.category for name, f in self.datasets[dataset].fields.items()}

    def field_plan(self, dataset: str, unknown_columns: Iterable[str] = ()) -> FieldPlan:
        """The dataset's field plan; ``unknown_columns`` (which it must allow) get ``scrub``."""
        classification = self.datasets[dataset]
        rules = {name: f.rule(self.categories[f.category].default_transform)
                 for name, f in classification.fields.items()}
        rules |= {c: FieldRule(transform=Transform.SCRUB) for c in unknown_columns}
        return FieldPlan(dataset=dataset, fields=rules)

    def purpose_for_aa_code(self, code: str) -> str | None:
        """The purpose an AA consent's ``Purpose.code`` maps onto, if any."""
        return next((name for name, p in self.purposes.items() if code in p.aa_purpose_codes),
                    None)

    def feature_category(self, feature: str) -> tuple[str, str] | None:
        """``(view:name, category)`` of a feature given as ``view:name`` or, when only one
        view has it, as ``name``."""
        view, _, name = feature.rpartition(":")
        found = [(f"{v}:{name}", fv.features[name]) for v, fv in self.feature_views.items()
                 if name in fv.features and view in ("", v)]
        return found[0] if len(found) == 1 else None

    def location_for(self, uri: str) -> tuple[str, StorageLocation] | None:
        """The storage location with the longest prefix that holds ``uri``."""
        address = StorageAddress.parse(uri)
        matches = [(len(loc.address.path), name, loc) for name, loc in self.locations.items()
                   if address.within(loc.address)]
        if not matches:
            return None
        _, name, location = max(matches, key=lambda m: m[0])
        return name, location


Key = tuple[str, ...]


def reference_problems(policy: PolicySections, defined: Mapping[str, set[str]] | None = None,
                       ) -> list[tuple[Key, str]]:
    """Every reference of ``policy`` that does not resolve, as (key path, reason).

    ``defined``: names that exist though ``policy`` lacks them (a loader leaves out entries
    with errors of their own; a reference to one is not a second error).
    """
    refs = _References(policy, defined or {})
    return [*_purpose_problems(refs), *_dataset_problems(refs), *_storage_problems(refs),
            *_serving_problems(refs)]


class _References(NamedTuple):
    policy: PolicySections
    defined: Mapping[str, set[str]]

    def missing(self, section: str, names: Iterable[str], key: Key,
                what: str) -> Iterator[tuple[Key, str]]:
        known = getattr(self.policy, section)
        for name in names:
            if name not in known and name not in self.defined.get(section, ()):
                yield key, f"{what} {name!r} is not defined (known: {sorted(known)})"


def _purpose_problems(refs: _References) -> Iterator[tuple[Key, str]]:
    policy = refs.policy
    owner: dict[str, str] = {}
    for name, purpose in policy.purposes.items():
        key = ("purposes", name)
        yield from refs.missing("categories", purpose.allowed_categories,
                            (*key, "allowed_categories"), "category")
        for code in purpose.aa_purpose_codes:
            if code in owner:
                yield (*key, "aa_purpose_codes"), (f"AA purpose code {code} already maps "
                                                   f"onto purpose {owner[code]!r}")
            owner.setdefault(code, name)
    if policy.children is not None:
        yield from refs.missing("categories", policy.children.restricted_categories,
                            ("children", "restricted_categories"), "category")
        yield from refs.missing("purposes", policy.children.barred_purposes,
                            ("children", "barred_purposes"), "purpose")


def _dataset_problems(refs: _References) -> Iterator[tuple[Key, str]]:
    policy = refs.policy
    for name, dataset in policy.datasets.items():
        key = ("datasets", name)
        yield from refs.missing("purposes", dataset.purposes, (*key, "purposes"), "purpose")
        if policy.residency is not None and dataset.data_class not in \
                policy.residency.data_classes:
            yield (*key, "data_class"), (f"data class {dataset.data_class!r} is not in "
                                         f"residency.data_classes "
                                         f"{sorted(policy.residency.data_classes)}")
        if dataset.allow_unknown and UNKNOWN_COLUMN_CATEGORY not in policy.categories:
            yield (*key, "allow_unknown"), (f"unknown columns get category "
                                            f"{UNKNOWN_COLUMN_CATEGORY!r}, which is not defined")
        time_field = dataset.fields.get(dataset.time_column)
        if time_field is None or time_field.transform is Transform.DROP:
            yield (*key, "time_column"), (f"{dataset.time_column!r} must be a field of the "
                                          "dataset that is not dropped")
        rules, ok = {}, True
        for field_name, field in dataset.fields.items():
            field_key = (*key, "fields", field_name)
            category = policy.categories.get(field.category)
            if category is None:
                ok = False
                yield from refs.missing("categories", [field.category],
                                    (*field_key, "category"), "category")
                continue
            try:
                rules[field_name] = field.rule(category.default_transform)
            except (ValueError, ValidationError) as exc:
                ok = False
                yield field_key, _reason(exc)
        if ok:
            try:
                FieldPlan(dataset=name, fields=rules)
            except ValidationError as exc:
                yield (*key, "fields"), _reason(exc)


def _storage_problems(refs: _References) -> Iterator[tuple[Key, str]]:
    policy = refs.policy
    for name, location in policy.locations.items():
        yield from refs.missing("regions", [location.region],
                            ("locations", name, "region"), "region")
    if policy.residency is None:
        return
    yield from refs.missing("regions", policy.residency.allowed_regions,
                        ("residency", "allowed_regions"), "region")
    for region in policy.residency.allowed_regions:
        country = policy.regions[region].country if region in policy.regions else None
        if country in policy.residency.barred_countries:
            yield ("residency", "allowed_regions"), (f"region {region!r} is in {country}, "
                                                     "a barred country (DPDP s.16)")


def _serving_problems(refs: _References) -> Iterator[tuple[Key, str]]:
    policy = refs.policy
    for name, client in policy.serving_clients.items():
        yield from refs.missing("purposes", client.purposes,
                            ("serving_clients", name, "purposes"), "purpose")
    for name, view in policy.feature_views.items():
        if view.dataset is not None:
            yield from refs.missing("datasets", [view.dataset],
                                ("feature_views", name, "dataset"), "dataset")
        for feature, category in view.features.items():
            yield from refs.missing("categories", [category],
                                ("feature_views", name, "features", feature), "category")


def _reason(exc: ValueError | ValidationError) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    return str(exc)
