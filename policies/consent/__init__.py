"""The consent registry: consent artefacts by principal token, their status events, and the
checks the policy engine asks of them.

Usage::

    from policies.consent import ConsentRegistry, ConsentStatus

    registry = ConsentRegistry("sqlite:///.nijta-demo/consents.sqlite")
    registry.is_permitted("tok_5f…", "credit_underwriting", ["financial"], at=now).rule
"""

from policies.consent.artefacts import ConsentArtefact, ConsentSource, ConsentStatus
from policies.consent.checks import ConsentCheck, LapsedConsent, PrincipalProfile
from policies.consent.events import ConsentEvent
from policies.consent.exceptions import (
    ConsentError,
    ConsentNotFound,
    ConsentStoreError,
    IllegalTransition,
)
from policies.consent.registry import ConsentRegistry

__all__ = [
    "ConsentArtefact",
    "ConsentCheck",
    "ConsentError",
    "ConsentEvent",
    "ConsentNotFound",
    "ConsentRegistry",
    "ConsentSource",
    "ConsentStatus",
    "ConsentStoreError",
    "IllegalTransition",
    "LapsedConsent",
    "PrincipalProfile",
]
