"""Every request and answer of a full FIU flow, checked against Sahamati's published OpenAPI.

The AA and FIU v2 files (copied beside this test in ``sahamati-aa-api/``) are Swagger 2.0, which
openapi-core 0.23 does not validate (it takes OpenAPI 3.0/3.1/3.2). The test converts an
in-memory copy to OpenAPI 3.0 (``definitions`` → ``components.schemas``, the ``body``
parameter → ``requestBody``, response ``schema`` → ``content``) and patches what the files get
wrong, each listed in ``SPEC_PATCHES``; the reference files are never changed.

Besides the full flow, the AA's answers to an FIU that fetches before the FIP has delivered
(403 ``DataFetchRequestInProgress``, ``ForbiddenFIFetch``) and that asks for more FI than the
consent's ``Frequency`` allows (400 ``InvalidConsentUse``, ``BadRequestFIRequest``) are
validated too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric import rsa
from jsonschema_path import SchemaPath
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from pydantic import SecretStr
from werkzeug.datastructures import Headers, ImmutableMultiDict

from connectors.aa.client import FiuClient, envelope, request_meta
from connectors.aa.crypto import generate_key_material
from connectors.aa.exceptions import ConsentUseExceeded
from connectors.aa.jws import sign_detached
from connectors.aa.notifications import NotificationReceiver
from connectors.exceptions import SourceAuthError

SPECS = Path(__file__).resolve().parent / "sahamati-aa-api"
_KEY_MATERIAL = generate_key_material()[1]


SPEC_PATCHES = (
    "Swagger 2.0 converted to OpenAPI 3.0 (openapi-core validates 3.x only)",
    "header parameters client_api_key, fip_api_key, aa_api_key declare `type: apiKey`, which "
    "is not a parameter type (openapi-spec-validator: 'is not valid under any of the given "
    "schemas'); read as `type: string`",
    "AA file: top-level `security: [Client_api_key]` names a scheme that does not exist (it "
    "is defined as `client_api_key`); dropped: every operation requires the header anyway",
    "AA file: `fip_api_key` is required on /Consent/fetch and /Heartbeat, which the FIU calls "
    "and has no fip_api_key for; made optional",
    "per-API error bodies (BadRequestFIRequest, NotFoundFIFetch …) are `allOf` a generic one "
    "(BadRequest, NotFound) plus a wider `errorCode` enum, meant as an extension; `allOf` is a "
    "conjunction, so the generic enum would refuse every per-API code (InvalidConsentUse, "
    "InvalidSessionId). Where the own enum contains the generic one, `allOf` names the generic "
    "body's parent (ErrorResponse) instead: the per-API enum is the one checked",
)
"""What the test changes in its in-memory copy of the published files, and why."""


def openapi3(swagger_file: Path) -> OpenAPI:
    swagger = json.loads(json.dumps(yaml.safe_load(swagger_file.read_text()))
                         .replace("#/definitions/", "#/components/schemas/"))
    paths = {path: {method: _operation(op) for method, op in item.items()}
             for path, item in swagger["paths"].items()}
    _extend_error_enums(swagger["definitions"])
    spec = {"openapi": "3.0.3", "info": swagger["info"], "servers": [{"url": "/"}],
            "paths": paths, "components": {"schemas": swagger["definitions"]}}
    return OpenAPI(SchemaPath.from_dict(spec))


def _extend_error_enums(schemas: dict[str, Any]) -> None:
    """The last of ``SPEC_PATCHES``: per-API error codes extend the generic enum."""
    for schema in schemas.values():
        parents = schema.get("allOf", [])
        own = schema.get("properties", {}).get("errorCode", {}).get("enum")
        if len(parents) != 1 or own is None:
            continue
        parent = schemas[parents[0]["$ref"].rsplit("/", 1)[1]]
        inherited = parent.get("properties", {}).get("errorCode", {}).get("enum")
        if inherited and set(inherited) <= set(own) and "allOf" in parent:
            schema["allOf"] = parent["allOf"]


def _operation(op: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"parameters": [], "responses": {}}
    for parameter in op.get("parameters", []):
        if parameter["in"] == "body":
            converted["requestBody"] = {
                "required": parameter.get("required", False),
                "content": {"application/json": {"schema": parameter["schema"]}}}
            continue
        kind = "string" if parameter["type"] == "apiKey" else parameter["type"]
        required = parameter.get("required", False) and parameter["name"] != "fip_api_key"
        converted["parameters"].append({"name": parameter["name"], "in": parameter["in"],
                                        "required": required, "schema": {"type": kind}})
    for status, response in op["responses"].items():
        converted["responses"][status] = {
            "description": response["description"],
            "headers": {name: {"schema": {"type": header["type"]}}
                        for name, header in response.get("headers", {}).items()},
            **({"content": {"application/json": {"schema": response["schema"]}}}
               if "schema" in response else {})}
    return converted


@dataclass
class Exchange:
    """One HTTP request and its answer, as the server saw them."""

    method: str
    path: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    status: int
    response_headers: list[tuple[bytes, bytes]]
    response_body: bytes


class Recorder:
    """ASGI middleware that keeps every exchange byte for byte."""

    def __init__(self, app: Any, exchanges: list[Exchange]) -> None:
        self.app, self.exchanges = app, exchanges

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body, answer = bytearray(), {"body": bytearray()}

        async def recording_receive() -> Any:
            message = await receive()
            body.extend(message.get("body", b""))
            return message

        async def recording_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                answer.update(status=message["status"], headers=message["headers"])
            elif message["type"] == "http.response.body":
                answer["body"].extend(message.get("body", b""))
            await send(message)

        await self.app(scope, recording_receive, recording_send)
        self.exchanges.append(Exchange(scope["method"], scope["path"], scope["headers"],
                                       bytes(body), answer["status"], answer["headers"],
                                       bytes(answer["body"])))


@dataclass
class _Request:
    host_url: str
    path: str
    method: str
    parameters: RequestParameters
    content_type: str
    body: bytes | None


@dataclass
class _Response:
    status_code: int
    content_type: str
    headers: Headers
    data: bytes


def _headers(raw: list[tuple[bytes, bytes]]) -> Headers:
    return Headers([(k.decode(), v.decode()) for k, v in raw])


def validate(openapi: OpenAPI, exchange: Exchange) -> None:
    headers = _headers(exchange.headers)
    request = _Request("http://127.0.0.1", exchange.path, exchange.method.lower(),
                       RequestParameters(query=ImmutableMultiDict(), header=headers,
                                         cookie=ImmutableMultiDict()),
                       headers.get("content-type", "application/json"),
                       exchange.body or None)
    answer_headers = _headers(exchange.response_headers)
    response = _Response(exchange.status, answer_headers.get("content-type", ""),
                         answer_headers, exchange.response_body)
    openapi.validate_request(request)
    openapi.validate_response(request, response)
    assert "x-jws-signature" in answer_headers  # every answer is signed


@pytest.fixture(scope="module")
def aa_spec() -> OpenAPI:
    return openapi3(SPECS / "AA-v2-latest.yaml")


@pytest.fixture(scope="module")
def fiu_spec() -> OpenAPI:
    return openapi3(SPECS / "FIU-v2-latest.yaml")


def test_full_flow_matches_the_sahamati_specs(aa_world, aa_spec, fiu_spec):
    to_aa: list[Exchange] = []
    to_fiu: list[Exchange] = []
    world = aa_world(customers=("C000001", "C000002"),
                     source={"notification_api_key": SecretStr("aa-key")},
                     wrap=lambda app: app.add_middleware(Recorder, exchanges=to_aa))
    receiver = NotificationReceiver(world.source)
    receiver.app.add_middleware(Recorder, exchanges=to_fiu)
    with receiver, FiuClient("aa", world.source, notices=receiver) as fiu:
        world.register(receiver.url)
        fiu.heartbeat()
        for customer in world.source.customers:
            artefact = fiu.fetch_consent(fiu.wait_for_consent(fiu.request_consent(customer)),
                                         customer=customer)
            fiu.fetch_fi_documents(artefact, *world.source.fetch_windows()[0])
        receiver.wait_for(lambda r: len(r.fi_sessions) == 2 or None, 5)
    _refused_requests(world)
    paths = {(e.path, e.status) for e in to_aa}
    assert {("/Heartbeat", 200), ("/Consent", 200), ("/Consent/handle", 200),
            ("/Consent/fetch", 200), ("/FI/request", 200), ("/FI/fetch", 200),
            ("/Consent/handle", 400), ("/Consent", 401)} <= paths
    assert {e.path for e in to_fiu} == {"/Consent/Notification", "/FI/Notification"}
    for exchange in to_aa:
        validate(aa_spec, exchange)
    for exchange in to_fiu:
        validate(fiu_spec, exchange)


def test_in_progress_and_frequency_refusals_match_the_spec(aa_world, aa_spec, fiu_spec):
    to_aa: list[Exchange] = []
    to_fiu: list[Exchange] = []
    world = aa_world(fi_pending_fetches=1,
                     source={"consent": {"frequency": {"unit": "DAY", "value": 1}},
                             "notification_api_key": SecretStr("aa-key")},
                     wrap=lambda app: app.add_middleware(Recorder, exchanges=to_aa))
    receiver = NotificationReceiver(world.source)
    receiver.app.add_middleware(Recorder, exchanges=to_fiu)
    with receiver, FiuClient("aa", world.source, notices=receiver) as fiu:
        world.register(receiver.url)
        customer = world.source.customers[0]
        artefact = fiu.fetch_consent(fiu.wait_for_consent(fiu.request_consent(customer)),
                                     customer=customer)
        window = world.source.fetch_windows()[0]
        fiu.fetch_fi_documents(artefact, *window)
        with pytest.raises(ConsentUseExceeded):
            fiu.request_fi(artefact, *window)
    # Recorder keeps an exchange once its background work (a notification) is done too, so
    # the recorded order need not be the order of the requests
    answers = sorted((e.path, e.status, json.loads(e.response_body).get("errorCode") or "")
                     for e in to_aa if e.path.startswith("/FI/"))
    assert answers == [("/FI/fetch", 200, ""), ("/FI/fetch", 403, "DataFetchRequestInProgress"),
                       ("/FI/request", 200, ""), ("/FI/request", 400, "InvalidConsentUse")]
    assert [e.path for e in to_fiu].count("/FI/Notification") == 1
    for exchange in to_aa:
        validate(aa_spec, exchange)
    for exchange in to_fiu:
        validate(fiu_spec, exchange)


def _refused_requests(world) -> None:
    """A body signed by someone else (400 SignatureDoesNotMatch) and a wrong API key (401)."""
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = json.dumps({**envelope(), "ConsentHandle": "h"}).encode()
    response = httpx.post(f"{world.url}/Consent/handle", content=body, headers={
        "content-type": "application/json", "x-request-meta": request_meta("AA"),
        "client_api_key": world.source.client_api_key.get_secret_value(),
        "x-jws-signature": sign_detached(body, impostor, kid="fiu-key-1")})
    assert response.status_code == 400
    source = world.source.model_copy(update={"client_api_key": SecretStr("wrong")})
    with FiuClient("aa", source) as stranger, pytest.raises(SourceAuthError):
        stranger.request_consent(world.source.customers[0])


def test_the_converted_spec_does_catch_a_wrong_body(aa_spec):
    """The check has teeth: an enum broken in the answer, a required field missing in the
    request, each is refused."""
    signed = [(b"content-type", b"application/json"), (b"x-jws-signature", b"h..s")]
    broken_answer = Exchange("GET", "/Heartbeat", [(b"client_api_key", b"k")], b"", 200, signed,
                             b'{"ver":"2.0.0","timestamp":"2025-01-01T00:00:00.000Z",'
                             b'"Status":"SIDEWAYS"}')
    with pytest.raises(OpenAPIError):
        validate(aa_spec, broken_answer)
    headers = [(b"client_api_key", b"k"), (b"x-jws-signature", b"h..s"),
               (b"x-request-meta", b"e30="), (b"content-type", b"application/json")]
    broken_request = Exchange("POST", "/Consent/handle", headers,
                              json.dumps(envelope()).encode(), 200, signed, b"{}")
    with pytest.raises(OpenAPIError):
        validate(aa_spec, broken_request)


@pytest.mark.parametrize(("status", "code", "valid"), [
    (400, "InvalidConsentUse", True), (400, "InvalidConsentHandle", False),
    (403, "DataFetchRequestInProgress", True), (403, "InvalidConsentUse", False),
    (404, "NoDataFound", True), (404, "DataFetchRequestInProgress", False)])
def test_each_error_code_is_checked_against_its_own_api(aa_spec, status, code, valid):
    """The enum patch widens each per-API body to its own codes, never to another API's."""
    signed = [(b"content-type", b"application/json"), (b"x-jws-signature", b"h..s")]
    headers = [(b"client_api_key", b"k"), (b"x-jws-signature", b"h..s"),
               (b"x-request-meta", b"e30="), (b"content-type", b"application/json")]
    path, request = (("/FI/request", {"FIDataRange": {"from": "2025-01-01T00:00:00.000Z",
                                                       "to": "2025-02-01T00:00:00.000Z"},
                                       "Consent": {"id": "c", "digitalSignature": "s"},
                                       "KeyMaterial": _KEY_MATERIAL})
                     if status == 400 else ("/FI/fetch", {"sessionId": "s"}))
    answer = {**envelope(), "errorCode": code, "errorMsg": "m"}
    exchange = Exchange("POST", path, headers, json.dumps({**envelope(), **request}).encode(),
                        status, signed, json.dumps(answer).encode())
    if valid:
        validate(aa_spec, exchange)
    else:
        with pytest.raises(OpenAPIError):
            validate(aa_spec, exchange)
