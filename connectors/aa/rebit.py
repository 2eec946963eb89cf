"""ReBIT DEPOSIT FI documents (XML and JSON, schema versions 1.x and 2) as typed statements.

A decrypted ``encryptedFI`` is one ``Account`` document in namespace
``http://api.rebit.org.in/FISchema/deposit``. :func:`parse_deposit` reads it — XML through
defusedxml with DTDs refused (no entity expansion, no external entities), or the JSON variant
(the same names, attributes as members, ``Account`` wrapper optional, a single element as an
object or a list) — and branches on ``Account@version``:

=================  =========================  ==========================================
field              1.x (deposit.xsd)          2.x (as reported; no v2 XSD in the repo)
=================  =========================  ==========================================
savings/current    ``Summary@type``           ``Summary@accountSubType``
residency          —                          ``Summary@accountType`` (REGULAR, NRE, ...)
IFSC               ``Summary@ifscCode``       ``Summary@ifsc``
facility           OD, CC                     OVERDRAFT, CASH_CREDIT, NO_FACILITY_GRANTED
CKYC               ``Holder@ckycCompliance``  ``Holder@ckycRegistered`` (YES, NO,
                   (xs:boolean)               NO_DATA_AVAILABLE)
running balance    ``Transaction@current-     ``Transaction@transactionalBalance``
                   Balance``
mode               CASH ATM CARD UPI FT       + IMPS NEFT RTGS CHEQUE DEMAND_DRAFT
                   OTHERS                     AUTO_DEBIT INTEREST_CREDIT NACH ECS REMITTANCE
pending            ``Summary/Pending``        ``Summary/Pending`` or
                                              ``Summary/pendingTxns/PendingTxn`` (0..n)
=================  =========================  ==========================================

Both map onto one output vocabulary (facility as the v2 names, CKYC as ``True``/``False``/
``None``). Amounts are :class:`~decimal.Decimal` read from the text (never through float) and
must be whole paise (at most 2 decimals); timestamps without a UTC offset are read as IST
(+05:30, the FIPs' local time); a ``valueDate`` given as a date-time keeps its date. Empty
optional attributes (the shipped ``Deposit.xml`` sample has many) read as ``None``.

Holder fields are raw personal data: they are kept for the anonymize stage but never printed
(``repr`` hides them) and errors never quote a value. Transaction indexes are 0-based.

Usage::

    statement = parse_deposit(decrypt_fi(encrypted_fi, key, fip_key_material, nonce))
    table = to_arrow([statement], consent_id=consent_id, purpose_code="103",
                     data_life_until=deadline, fip_id="FIP-1")
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

import pyarrow as pa
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from connectors.aa.exceptions import RebitParseError, UnsupportedRebitVersion

__all__ = [
    "DEPOSIT_NAMESPACE",
    "DEPOSIT_TRANSACTION_SCHEMA",
    "IST",
    "DepositAccount",
    "DepositHolder",
    "DepositStatement",
    "DepositSummary",
    "DepositTransaction",
    "PendingTransaction",
    "parse_deposit",
    "to_arrow",
]

DEPOSIT_NAMESPACE = "http://api.rebit.org.in/FISchema/deposit"
IST = timezone(timedelta(hours=5, minutes=30), "IST")
_PAISA = Decimal("0.01")
_MAX_AMOUNT = Decimal(10) ** 16  # decimal128(18, 2) holds 16 integer digits
_REPEATED = frozenset({"Holder", "Transaction", "PendingTxn"})
_TXN_TYPES = frozenset({"CREDIT", "DEBIT"})
_V1_MODES = frozenset({"CASH", "ATM", "CARD", "UPI", "FT", "OTHERS"})
_V2_MODES = frozenset({"CASH", "ATM", "CARD", "UPI", "FT", "OTHERS", "IMPS", "NEFT", "RTGS",
                       "CHEQUE", "DEMAND_DRAFT", "AUTO_DEBIT", "INTEREST_CREDIT", "NACH",
                       "ECS", "REMITTANCE"})


@dataclass(frozen=True)
class _Dialect:
    """Where a schema version keeps each field, and its vocabularies."""

    ckyc: str
    ckyc_values: Mapping[str, bool | None]
    sub_type: str
    ifsc: str
    facilities: Mapping[str, str]
    txn_balance: str
    modes: frozenset[str]


_V1 = _Dialect(
    ckyc="ckycCompliance", ckyc_values={"true": True, "1": True, "false": False, "0": False},
    sub_type="type", ifsc="ifscCode", facilities={"OD": "OVERDRAFT", "CC": "CASH_CREDIT"},
    txn_balance="currentBalance", modes=_V1_MODES)
_V2 = _Dialect(
    ckyc="ckycRegistered", ckyc_values={"YES": True, "NO": False, "NO_DATA_AVAILABLE": None},
    sub_type="accountSubType", ifsc="ifsc",
    facilities={name: name for name in ("OVERDRAFT", "CASH_CREDIT", "NO_FACILITY_GRANTED")},
    txn_balance="transactionalBalance", modes=_V2_MODES)
_DIALECTS = {1: _V1, 2: _V2}


@dataclass(frozen=True)
class DepositAccount:
    """``Account``'s attributes."""

    type: str
    masked_acc_number: str
    version: str
    linked_acc_ref: str


@dataclass(frozen=True)
class DepositHolder:
    """One ``Holder``: raw personal data, hidden from ``repr``; anonymize masks it."""

    name: str | None = field(repr=False)
    dob: date | None = field(repr=False)
    mobile: str | None = field(repr=False)
    nominee: str | None
    landline: str | None = field(repr=False)
    address: str | None = field(repr=False)
    email: str | None = field(repr=False)
    pan: str | None = field(repr=False)
    ckyc_compliance: bool | None


@dataclass(frozen=True)
class PendingTransaction:
    """A ``Pending`` amount on the account (e.g. an uncleared debit)."""

    transaction_type: str | None
    amount: Decimal


@dataclass(frozen=True)
class DepositSummary:
    """``Summary``: balance and account facts; ``account_sub_type`` is SAVINGS or CURRENT."""

    current_balance: Decimal | None
    currency: str | None
    exchange_rate: Decimal | None
    balance_datetime: datetime
    account_type: str | None
    account_sub_type: str
    branch: str | None
    facility: str | None
    ifsc_code: str | None
    micr_code: str | None
    opening_date: date
    current_od_limit: Decimal | None
    drawing_limit: Decimal | None
    status: str
    pending: tuple[PendingTransaction, ...] = ()


@dataclass(frozen=True)
class DepositTransaction:
    """One ``Transaction``; ``current_balance`` is the running balance after it."""

    txn_id: str
    type: str
    mode: str
    amount: Decimal
    current_balance: Decimal | None
    transaction_timestamp: datetime
    value_date: date
    narration: str | None = field(repr=False)
    reference: str | None = field(repr=False)


@dataclass(frozen=True)
class DepositStatement:
    """A parsed DEPOSIT document: which of profile/summary/transactions appear follows the
    consent's ``consentTypes``."""

    account: DepositAccount
    holders_type: str | None = None
    holders: tuple[DepositHolder, ...] = ()
    summary: DepositSummary | None = None
    transactions_start: date | None = None
    transactions_end: date | None = None
    transactions: tuple[DepositTransaction, ...] = ()


@dataclass(frozen=True)
class _Node:
    """An element (XML) or object (JSON) reduced to what the schema uses: attributes as text
    and child elements by local name."""

    path: str
    attrs: Mapping[str, str]
    children: Mapping[str, list[_Node]]

    def child(self, name: str) -> _Node | None:
        found = self.children.get(name, [])
        if len(found) > 1:
            raise RebitParseError(f"{self.path}/{name}", "may appear at most once")
        return found[0] if found else None


def parse_deposit(document: bytes | str) -> DepositStatement:
    """Parse one ReBIT DEPOSIT ``Account`` document, XML or JSON, version 1.x or 2.x."""
    raw = document.encode("utf-8") if isinstance(document, str) else document
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        root = _xml_root(raw)  # bytes, so that the XML declaration's encoding applies
    elif head == b"{":
        try:
            root = _json_root(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise RebitParseError("document", "JSON must be UTF-8") from exc
    else:
        raise RebitParseError("document", "is neither XML nor JSON")
    return _statement(root)


def _xml_root(raw: bytes) -> _Node:
    try:
        element = defused_fromstring(raw, forbid_dtd=True, forbid_entities=True,
                                     forbid_external=True)
    except DefusedXmlException as exc:
        raise RebitParseError(
            "document", "DTDs, entities and external references are refused "
                        f"({type(exc).__name__})") from exc
    except ParseError as exc:
        line, column = exc.position
        raise RebitParseError("document", f"is not well-formed XML (line {line}, "
                                          f"column {column})") from exc
    namespace, _, local = element.tag.rpartition("}")
    if local != "Account" or namespace.lstrip("{") not in ("", DEPOSIT_NAMESPACE):
        raise RebitParseError("document", f"root must be Account in {DEPOSIT_NAMESPACE}")
    return _xml_node(element, "Account")


def _xml_node(element: Element, path: str) -> _Node:
    attrs = {name: value for name, value in element.attrib.items() if not name.startswith("{")}
    children: dict[str, list[_Node]] = {}
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        local = child.tag.rpartition("}")[2]
        siblings = children.setdefault(local, [])
        siblings.append(_xml_node(child, _child_path(path, local, len(siblings))))
    return _Node(path, attrs, children)


def _child_path(parent: str, name: str, index: int) -> str:
    """``Account/Transactions/Transaction[3]``: repeatable elements carry their index."""
    return f"{parent}/{name}[{index}]" if name in _REPEATED else f"{parent}/{name}"


def _json_root(text: str) -> _Node:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise RebitParseError("document", f"is not valid JSON (line {exc.lineno}, "
                                          f"column {exc.colno})") from exc
    if isinstance(data, dict):
        data = data.get("Account", data.get("account", data))
    if not isinstance(data, dict):
        raise RebitParseError("Account", "must be a JSON object")
    return _json_node(data, "Account")


def _json_node(obj: dict, path: str) -> _Node:
    attrs: dict[str, str] = {}
    children: dict[str, list[_Node]] = {}
    for name, value in obj.items():
        if isinstance(value, dict):
            children[name] = [_json_node(value, _child_path(path, name, 0))]
        elif isinstance(value, list):
            if not all(isinstance(item, dict) for item in value):
                raise RebitParseError(f"{path}/{name}", "must be a list of objects")
            children[name] = [_json_node(item, _child_path(path, name, i))
                              for i, item in enumerate(value)]
        elif isinstance(value, bool):
            attrs[name] = "true" if value else "false"
        elif value is not None:
            attrs[name] = str(value)
    return _Node(path, attrs, children)


def _statement(root: _Node) -> DepositStatement:
    account = _account(root)
    dialect = _dialect(account.version)
    holders_type, holders = _profile(root.child("Profile"), dialect)
    summary_node = root.child("Summary")
    transactions = root.child("Transactions")
    return DepositStatement(
        account=account,
        holders_type=holders_type,
        holders=holders,
        summary=_summary(summary_node, dialect) if summary_node else None,
        transactions_start=_date(transactions, "startDate") if transactions else None,
        transactions_end=_date(transactions, "endDate") if transactions else None,
        transactions=_transactions(transactions, dialect) if transactions else (),
    )


def _account(root: _Node) -> DepositAccount:
    if _required(root, "type") != "deposit":
        raise RebitParseError("Account@type", "must be 'deposit'")
    return DepositAccount(type="deposit", masked_acc_number=_required(root, "maskedAccNumber"),
                          version=_required(root, "version"),
                          linked_acc_ref=_required(root, "linkedAccRef"))


def _dialect(version: str) -> _Dialect:
    major = version.strip().split(".")[0]
    dialect = _DIALECTS.get(int(major)) if major.isdigit() else None
    if dialect is None:
        raise UnsupportedRebitVersion(
            "Account@version", f"{version!r} is not a supported DEPOSIT schema (1.x, 2.x)")
    return dialect


def _profile(profile: _Node | None, dialect: _Dialect
             ) -> tuple[str | None, tuple[DepositHolder, ...]]:
    if profile is None:
        return None, ()
    holders = profile.child("Holders")
    if holders is None:
        raise RebitParseError(f"{profile.path}/Holders", "is required in Profile")
    members = holders.children.get("Holder", [])
    if not members:
        raise RebitParseError(f"{holders.path}/Holder", "at least one Holder is required")
    return (_choice(holders, "type", {"SINGLE", "JOINT"}),
            tuple(_holder(node, dialect) for node in members))


def _holder(node: _Node, dialect: _Dialect) -> DepositHolder:
    ckyc = _optional(node, dialect.ckyc)
    if ckyc is not None and ckyc not in dialect.ckyc_values:
        raise RebitParseError(f"{node.path}@{dialect.ckyc}",
                              f"must be one of {sorted(dialect.ckyc_values)}")
    return DepositHolder(
        name=_optional(node, "name"), dob=_optional_date(node, "dob"),
        mobile=_optional(node, "mobile"),
        nominee=_optional_choice(node, "nominee", {"REGISTERED", "NOT-REGISTERED"}),
        landline=_optional(node, "landline"), address=_optional(node, "address"),
        email=_optional(node, "email"), pan=_optional(node, "pan"),
        ckyc_compliance=dialect.ckyc_values.get(ckyc) if ckyc is not None else None,
    )


def _summary(node: _Node, dialect: _Dialect) -> DepositSummary:
    facility = _optional(node, "facility")
    if facility is not None and facility not in dialect.facilities:
        raise RebitParseError(f"{node.path}@facility",
                              f"must be one of {sorted(dialect.facilities)}")
    return DepositSummary(
        current_balance=_amount(node, "currentBalance", signed=True),
        currency=_optional(node, "currency"),
        exchange_rate=_decimal(node, "exchgeRate"),
        balance_datetime=_datetime(node, "balanceDateTime"),
        account_type=_optional(node, "accountType") if dialect is _V2 else None,
        account_sub_type=_choice(node, dialect.sub_type, {"SAVINGS", "CURRENT"}),
        branch=_optional(node, "branch"),
        facility=dialect.facilities[facility] if facility is not None else None,
        ifsc_code=_optional(node, dialect.ifsc),
        micr_code=_optional(node, "micrCode"),
        opening_date=_date(node, "openingDate"),
        current_od_limit=_amount(node, "currentODLimit", signed=True),
        drawing_limit=_amount(node, "drawingLimit", signed=True),
        status=_choice(node, "status", {"ACTIVE", "INACTIVE"}),
        pending=_pending(node),
    )


def _pending(summary: _Node) -> tuple[PendingTransaction, ...]:
    nodes = list(summary.children.get("Pending", []))
    for group in summary.children.get("pendingTxns", []):
        nodes.extend(group.children.get("PendingTxn", []))
    return tuple(
        PendingTransaction(
            transaction_type=_optional_choice(node, "transactionType", _TXN_TYPES),
            amount=_required_amount(node, "amount"))
        for node in nodes)


def _transactions(node: _Node, dialect: _Dialect) -> tuple[DepositTransaction, ...]:
    return tuple(_transaction(txn, index, dialect)
                 for index, txn in enumerate(node.children.get("Transaction", [])))


def _transaction(node: _Node, index: int, dialect: _Dialect) -> DepositTransaction:
    try:
        return DepositTransaction(
            txn_id=_required(node, "txnId"),
            type=_choice(node, "type", _TXN_TYPES),
            mode=_choice(node, "mode", dialect.modes),
            amount=_required_amount(node, "amount"),
            current_balance=_amount(node, dialect.txn_balance, signed=True),
            transaction_timestamp=_datetime(node, "transactionTimestamp"),
            value_date=_date(node, "valueDate"),
            narration=_optional(node, "narration"),
            reference=_optional(node, "reference"),
        )
    except RebitParseError as exc:
        raise RebitParseError(exc.path, f"{exc.rule} (transaction index {index})",
                              txn_index=index) from exc


def _required(node: _Node, name: str) -> str:
    if name not in node.attrs:
        raise RebitParseError(f"{node.path}@{name}", "is required")
    return node.attrs[name]


def _optional(node: _Node, name: str) -> str | None:
    value = node.attrs.get(name)
    return value if value else None


def _choice(node: _Node, name: str, allowed: Iterable[str]) -> str:
    value = _required(node, name)
    if value not in allowed:
        raise RebitParseError(f"{node.path}@{name}", f"must be one of {sorted(allowed)}")
    return value


def _optional_choice(node: _Node, name: str, allowed: Iterable[str]) -> str | None:
    return _choice(node, name, allowed) if _optional(node, name) is not None else None


def _decimal(node: _Node, name: str) -> Decimal | None:
    text = _optional(node, name)
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise RebitParseError(f"{node.path}@{name}", "is not a decimal number") from exc
    if not value.is_finite():
        raise RebitParseError(f"{node.path}@{name}", "must be a finite number")
    return value


def _amount(node: _Node, name: str, *, signed: bool = False) -> Decimal | None:
    """A money amount: whole paise, within decimal128(18, 2); negative only if ``signed``."""
    value = _decimal(node, name)
    if value is None:
        return None
    where = f"{node.path}@{name}"
    if abs(value) >= _MAX_AMOUNT:
        raise RebitParseError(where, "exceeds 16 integer digits")
    if value != value.quantize(_PAISA, rounding=ROUND_DOWN):
        raise RebitParseError(where, "has more than 2 decimal places (whole paise only)")
    if value < 0 and not signed:
        raise RebitParseError(where, "must not be negative (the type says CREDIT or DEBIT)")
    return value


def _required_amount(node: _Node, name: str) -> Decimal:
    value = _amount(node, name)
    if value is None:
        raise RebitParseError(f"{node.path}@{name}", "is required")
    return value


def _datetime(node: _Node, name: str) -> datetime:
    text = _required(node, name)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise RebitParseError(f"{node.path}@{name}", "is not an ISO-8601 date-time") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=IST)


def _date(node: _Node, name: str) -> date:
    value = _optional_date(node, name)
    if value is None:
        raise RebitParseError(f"{node.path}@{name}", "is required")
    return value


def _optional_date(node: _Node, name: str) -> date | None:
    text = _optional(node, name)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.strip()).date()
    except ValueError as exc:
        raise RebitParseError(f"{node.path}@{name}", "is not an ISO-8601 date") from exc


DEPOSIT_TRANSACTION_SCHEMA = pa.schema([
    pa.field("consent_id", pa.string(), nullable=False),
    pa.field("purpose_code", pa.string(), nullable=False),
    pa.field("data_life_until", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("fip_id", pa.string(), nullable=False),
    pa.field("linked_acc_ref", pa.string(), nullable=False),
    pa.field("masked_acc_number", pa.string(), nullable=False),
    pa.field("schema_version", pa.string(), nullable=False),
    pa.field("txn_index", pa.int32(), nullable=False),
    pa.field("txn_id", pa.string(), nullable=False),
    pa.field("txn_type", pa.string(), nullable=False),
    pa.field("mode", pa.string(), nullable=False),
    pa.field("amount", pa.decimal128(18, 2), nullable=False),
    pa.field("current_balance", pa.decimal128(18, 2)),
    pa.field("currency", pa.string()),
    pa.field("transaction_timestamp", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("value_date", pa.date32(), nullable=False),
    pa.field("narration", pa.string()),
    pa.field("reference", pa.string()),
])
"""One row per transaction, tagged with the consent that allowed the fetch."""


def to_arrow(statements: Iterable[DepositStatement], *, consent_id: str, purpose_code: str,
             data_life_until: datetime, fip_id: str) -> pa.Table:
    """The statements' transactions as a :data:`DEPOSIT_TRANSACTION_SCHEMA` table.

    ``data_life_until`` is the consent's DataLife deadline (timezone-aware): the date by
    which these rows must be purged.
    """
    if data_life_until.tzinfo is None:
        raise ValueError("data_life_until must be timezone-aware")
    tags = {"consent_id": consent_id, "purpose_code": purpose_code,
            "data_life_until": data_life_until.astimezone(UTC), "fip_id": fip_id}
    rows = [
        tags | {
            "linked_acc_ref": statement.account.linked_acc_ref,
            "masked_acc_number": statement.account.masked_acc_number,
            "schema_version": statement.account.version,
            "txn_index": index, "txn_id": txn.txn_id, "txn_type": txn.type, "mode": txn.mode,
            "amount": txn.amount.quantize(_PAISA),
            "current_balance": (txn.current_balance.quantize(_PAISA)
                                if txn.current_balance is not None else None),
            "currency": statement.summary.currency if statement.summary else None,
            "transaction_timestamp": txn.transaction_timestamp.astimezone(UTC),
            "value_date": txn.value_date, "narration": txn.narration,
            "reference": txn.reference,
        }
        for statement in statements
        for index, txn in enumerate(statement.transactions)
    ]
    return pa.Table.from_pylist(rows, schema=DEPOSIT_TRANSACTION_SCHEMA)
