"""AA consents from batch metadata to the consent registry, keyed by the principal's token.

The AA connector tags each batch with the consent it was fetched under
(``metadata["aa_consent"]``) and, because it runs where there is no tokenizer, with the
customer's raw AA handle and mobile number (``metadata["raw_aa_customer"]``). Two steps turn
that into a registry entry without a raw identifier ever being written:

1. :func:`seal_consent_metadata`, in the protect step, before the manifest is built: drops the
   raw entry and adds the principal's token to the consent facts. The token is the one every
   other source gives the same person: the ``mobile`` tokenization domain over the mobile
   number the AA verified, exactly as a dataset's ``tokenize`` rule with ``identifier: mobile``
   makes ``payer_mobile_token`` (same canonical form, same key).
2. :func:`hand_off_consent`, after the batch's bronze commit and before its cursor is
   acknowledged: records the consent as a :class:`~policies.consent.ConsentArtefact` (purpose
   from the policy's ``aa_purpose_codes``; categories: the FI types and the categories the
   dataset keeps; DataLife counted from the consent's expiry). A consent already in the
   registry is left as it is, status included, so every batch of a consent and every re-run
   after a crash may hand it off again.

The workspace's registry is :func:`policies.erasure.locations.open_consent_registry`, the one
``nijta erase`` and ``nijta retention`` use.

Usage::

    sealed = seal_consent_metadata(batch.metadata, tokenizer)       # before writing anything
    ...                                                              # bronze commit
    hand_off_consent(manifest.metadata, registry, policy=policy,
                     dataset="aa_deposit_transactions")              # before acknowledging
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from anonymize.exceptions import AnonymizeError
from anonymize.tokens import Tokenizer, canonical_identifier
from connectors.aa.connector import CONSENT_KEY, RAW_CUSTOMER_KEY, data_life_end
from ingest.exceptions import IngestError
from policies.configuration import Policy
from policies.consent import (
    ConsentArtefact,
    ConsentNotFound,
    ConsentRegistry,
    ConsentSource,
    ConsentStoreError,
)

__all__ = ["ACTOR", "PRINCIPAL_IDENTIFIER", "consent_artefact", "hand_off_consent",
           "seal_consent_metadata"]

PRINCIPAL_IDENTIFIER = "mobile"
"""The tokenization domain that keys an AA customer: their mobile number."""
ACTOR = "nijta ingest"
"""Who the registry's ``recorded`` event names."""
_MOBILE = re.compile(r"[6-9]\d{9}")  # the canonical form of an Indian mobile number


def seal_consent_metadata(metadata: Mapping[str, Any], tokenizer: Tokenizer
                          ) -> dict[str, Any]:
    """``metadata`` with the raw AA customer replaced by the principal's token
    (``metadata["aa_consent"]["principal"]``); metadata without one is returned as is.

    Raises:
        IngestError: the raw entry has no mobile number that tokenizes, or no consent facts.
    """
    sealed = dict(metadata)
    raw = sealed.pop(RAW_CUSTOMER_KEY, None)
    if raw is None:
        return sealed
    facts = sealed.get(CONSENT_KEY)
    if not isinstance(facts, Mapping):
        raise IngestError(f"batch metadata: {RAW_CUSTOMER_KEY!r} comes without "
                          f"{CONSENT_KEY!r}; the AA connector sets both")
    where = f"batch metadata {CONSENT_KEY}.consent_id={facts.get('consent_id')!r}"
    mobile = raw.get("mobile") if isinstance(raw, Mapping) else None
    try:
        canonical = canonical_identifier(PRINCIPAL_IDENTIFIER, mobile)  # type: ignore[arg-type]
    except AnonymizeError as exc:  # its message names the rule, never the value
        raise IngestError(f"{where}: {RAW_CUSTOMER_KEY}.mobile does not tokenize as a "
                          f"{PRINCIPAL_IDENTIFIER}: {exc}") from None
    if not _MOBILE.fullmatch(canonical):
        raise IngestError(f"{where}: {RAW_CUSTOMER_KEY}.mobile does not tokenize as a "
                          f"{PRINCIPAL_IDENTIFIER}: its canonical form is not 10 digits "
                          "starting 6-9")
    sealed[CONSENT_KEY] = {**facts, "principal": tokenizer.tokenize(PRINCIPAL_IDENTIFIER,
                                                                    canonical)}
    return sealed


def hand_off_consent(metadata: Mapping[str, Any], registry: ConsentRegistry, *,
                     policy: Policy, dataset: str, at: datetime | None = None,
                     ) -> ConsentArtefact | None:
    """Record the batch's AA consent in ``registry`` unless it is there already; the
    registry's artefact, or ``None`` for a batch fetched under no AA consent.

    Raises:
        IngestError: the metadata is not sealed, its facts do not make an artefact under
            ``policy``, or the registry holds the consent id for another principal.
        ConsentStoreError: the registry's database failed.
    """
    if RAW_CUSTOMER_KEY in metadata:
        raise IngestError(f"batch metadata: {RAW_CUSTOMER_KEY!r} is still raw; call "
                          "seal_consent_metadata before the metadata leaves the protect step")
    facts = metadata.get(CONSENT_KEY)
    if facts is None:
        return None
    artefact = consent_artefact(facts, policy=policy, dataset=dataset)
    stored = _stored(registry, artefact.consent_id)
    if stored is None:
        try:
            registry.record(artefact, at=at, actor=ACTOR)
            return artefact
        except ConsentStoreError:
            stored = _stored(registry, artefact.consent_id)  # another worker was first?
            if stored is None:
                raise
    if stored.principal != artefact.principal:
        raise IngestError(f"consent {artefact.consent_id}: {registry.name} holds it for another "
                          "principal; an AA consent id names one customer, so the registry or "
                          "the tokenization keys are not this workspace's")
    return stored


def consent_artefact(facts: Mapping[str, Any], *, policy: Policy, dataset: str
                     ) -> ConsentArtefact:
    """The registry's artefact for sealed AA consent facts (``metadata["aa_consent"]``)."""
    where = f"batch metadata {CONSENT_KEY} of consent {facts.get('consent_id')!r}"
    if dataset not in policy.datasets:
        raise IngestError(f"{where}: dataset {dataset!r} is not classified by the policy")
    try:
        code = str(facts["purpose_code"])
        purpose = policy.purpose_for_aa_code(code)
        if purpose is None:
            raise IngestError(f"{where}: AA purpose code {code} maps onto no purpose of the "
                              "policy (rule: each AA purpose code is listed in one purpose's "
                              "aa_purpose_codes); add it there")
        expiry = datetime.fromisoformat(facts["expiry"])
        categories = sorted(set(policy.field_categories(dataset).values()))
        return ConsentArtefact(
            consent_id=facts["consent_id"], principal=facts["principal"], purposes=(purpose,),
            categories=(*facts["fi_types"], *categories),
            start=datetime.fromisoformat(facts["start"]), expiry=expiry,
            data_life=_data_life(facts["data_life"], expiry),
            source=ConsentSource(kind="aa", reference=facts["consent_id"]))
    except KeyError as exc:
        raise IngestError(f"{where}: no {exc.args[0]!r}; seal the metadata with "
                          "seal_consent_metadata") from None
    except (TypeError, ValueError) as exc:  # ValidationError is a ValueError
        fields = (sorted({".".join(map(str, e["loc"])) for e in exc.errors()})
                  if isinstance(exc, ValidationError) else [type(exc).__name__])
        raise IngestError(f"{where}: not a valid consent artefact ({', '.join(fields)})"
                          ) from None


def _data_life(data_life: Mapping[str, Any], expiry: datetime) -> datetime | timedelta | None:
    """AA DataLife as the registry holds it: runs from the expiry, ``None`` for ``INF``; months
    and years become the calendar deadline (they have no fixed length)."""
    unit, value = str(data_life["unit"]), int(data_life["value"])
    if unit == "INF":
        return None
    if unit == "DAY":
        return timedelta(days=value)
    return data_life_end((unit, value), expiry)


def _stored(registry: ConsentRegistry, consent_id: str) -> ConsentArtefact | None:
    try:
        return registry.get(consent_id)
    except ConsentNotFound:
        return None
