"""A running AA sandbox and an FIU configured for it: RSA keys, population, loopback servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from pydantic import SecretStr

from connectors.aa.client import ConsentArtefact, FiuClient
from connectors.aa.configuration import AaFiuSource
from connectors.sandbox.aa_server import AaSandbox, create_aa_sandbox_app
from connectors.sandbox.faults import FaultPlan
from connectors.sandbox.loopback import LoopbackServer
from connectors.sandbox.population import generate_population

FIU_ID = "nijta-fiu"
API_KEY = "fiu-client-api-key"
CONSENT = {"purpose_code": "103", "data_life": {"unit": "MONTH", "value": 6},
           "frequency": {"unit": "DAY", "value": 4},
           "data_from": "2025-01-01T00:00:00+05:30", "data_to": "2025-03-01T00:00:00+05:30"}


@dataclass(frozen=True)
class RsaPair:
    private_pem: str
    public_pem: str


@dataclass
class AaWorld:
    """A sandbox AA on loopback and the FIU source configured against it."""

    sandbox: AaSandbox
    url: str
    source: AaFiuSource
    fiu_keys: RsaPair

    def register(self, notification_url: str | None) -> None:
        """Onboard our FIU at the sandbox, as the Central Registry would."""
        api_key = self.source.notification_api_key
        self.sandbox.register_fiu(
            FIU_ID, api_key=API_KEY, public_key_pem=self.fiu_keys.public_pem,
            notification_url=notification_url,
            notification_api_key=api_key.get_secret_value() if api_key else None)

    @staticmethod
    def consented(fiu: FiuClient, customer: str) -> ConsentArtefact:
        """The artefact of a consent ``customer`` is asked for and approves."""
        return fiu.fetch_consent(fiu.wait_for_consent(fiu.request_consent(customer)),
                                 customer=customer)


def rsa_pair() -> RsaPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return RsaPair(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()).decode(),
        key.public_key().public_bytes(serialization.Encoding.PEM,
                                      serialization.PublicFormat.SubjectPublicKeyInfo).decode())


@pytest.fixture(scope="session")
def fiu_keys() -> RsaPair:
    return rsa_pair()


@pytest.fixture(scope="session")
def population():
    return generate_population(12, seed=5)


@pytest.fixture
def aa_world(fiu_keys, population) -> Iterator[Callable[..., AaWorld]]:
    """``aa_world(faults=, customers=, source={...}, wrap=, **sandbox_options)``: ``wrap``
    gets the sandbox app before it serves (to add middleware); ``source["consent"]`` updates
    the consent template's fields."""
    with ExitStack() as stack:

        def start(*, faults: FaultPlan | None = None, customers: tuple[str, ...] = ("C000001",),
                  source: dict[str, Any] | None = None,
                  wrap: Callable[[FastAPI], None] | None = None,
                  **sandbox_options: Any) -> AaWorld:
            sandbox = AaSandbox(population, **sandbox_options)
            app = create_aa_sandbox_app(sandbox, faults=faults)
            if wrap is not None:
                wrap(app)
            server = stack.enter_context(LoopbackServer(app))
            settings = {"poll_interval_s": 0.3, "consent_timeout_s": 10, "timeout_s": 5,
                        "max_attempts": 4, **(source or {})}
            consent = {**CONSENT, **settings.pop("consent", {})}
            config = AaFiuSource(
                type="aa_fiu", base_url=server.url, aa_id=sandbox.aa_id,
                aa_public_key=sandbox.public_key_pem, fiu_id=FIU_ID,
                client_api_key=SecretStr(API_KEY), private_key=SecretStr(fiu_keys.private_pem),
                key_id="fiu-key-1", customers=tuple(sandbox.handle_of(c) for c in customers),
                consent=consent, **settings)
            return AaWorld(sandbox, server.url, config, fiu_keys)

        yield start
