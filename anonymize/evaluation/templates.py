"""The corpus templates: bank SMS alerts, narrations, KYC notes, chats and e-mails.

Each template draws its values from :class:`~anonymize.evaluation.values.Values` and returns a
format string with its slots; :data:`TEMPLATES` weighs them as real bank text is weighted.
"""

from __future__ import annotations

from collections.abc import Callable

from anonymize.evaluation.values import ATM_PLACES, MERCHANTS, Slots, Values, neg

__all__ = ["TEMPLATES", "Template"]

# --- templates: bank SMS alerts ---------------------------------------------------------------

Template = Callable[[Values], tuple[str, Slots]]


def _sms_upi_debit(v: Values) -> tuple[str, Slots]:
    payee = v.person()
    slots = {"amt": v.amount(), "acct": v.masked_account(), "date": v.txn_date(), "rrn": v.rrn(),
             "vpa": v.vpa(payee), "name": v.name(payee, upper=True), "bank": v.bank().short,
             "help": v.helpline()}
    return v.pick((
        "{amt} debited from A/c {acct} on {date} to VPA {vpa} UPI Ref {rrn}. Not you? Call {help}"
        " -{bank}",
        "Dear Customer, {amt} debited from A/c {acct} on {date} trf to {name} Refno {rrn}."
        " If not u? call {help}. -{bank}",
        "Sent {amt} From {bank} Bank A/C {acct} To {name} On {date} Ref {rrn} Not You?"
        " Call {help}",
        "Your {bank} a/c {acct} is debited for {amt} on {date}; {vpa} credited. UPI Ref No {rrn}",
    )), slots


def _sms_upi_credit(v: Values) -> tuple[str, Slots]:
    payer = v.person()
    slots = {"amt": v.amount(), "acct": v.masked_account(), "date": v.txn_date(), "rrn": v.rrn(),
             "vpa": v.vpa(payer), "name": v.name(payer, upper=v.chance(0.5)),
             "bank": v.bank().short, "bal": v.amount()}
    return v.pick((
        "Your A/c {acct} credited with {amt} on {date} by VPA {vpa} (UPI Ref No {rrn}) -{bank}",
        "Dear Customer, {amt} credited to a/c {acct} on {date} by a/c linked to VPA {vpa}"
        " (UPI Ref no {rrn}). Avl Bal {bal}",
        "{amt} received from {name} ({vpa}) in your {bank} A/c {acct} on {date}. RRN {rrn}",
    )), slots


def _sms_neft_credit(v: Values) -> tuple[str, Slots]:
    payer, bank = v.person(), v.bank()
    slots = {"amt": v.amount(), "acct": v.masked_account(), "date": v.txn_date(),
             "utr": v.neft_utr(bank), "name": v.name(payer, upper=True), "bal": v.amount(),
             "note": v.pick(("salary", "rent", "refund", "invoice", "reimbursement"))}
    return v.pick((
        "{amt} credited to A/c no. {acct} on {date} through NEFT with UTR {utr} by {name},"
        " INFO: {note}. Avl Bal {bal}",
        "NEFT credit of {amt} from {name} received in a/c {acct} on {date}. UTR {utr}",
    )), slots


def _sms_imps_debit(v: Values) -> tuple[str, Slots]:
    bank, payee = v.bank(), v.person()
    slots = {"amt": v.amount(), "acct": v.masked_account(), "to": v.bank_account(bank),
             "ifsc": v.ifsc(bank), "rrn": v.rrn(), "date": v.txn_date(),
             "name": v.name(payee, upper=v.chance(0.5))}
    return v.pick((
        "IMPS of {amt} from A/c {acct} to A/c {to} (IFSC {ifsc}) Ref {rrn} done on {date}.",
        "{amt} transferred via IMPS to beneficiary {name}, a/c no {to}, IFSC {ifsc}."
        " IMPS Ref No {rrn}",
    )), slots


def _sms_card_spend(v: Values) -> tuple[str, Slots]:
    slots = {"amt": v.amount(), "card": v.masked_card(), "date": v.txn_date(),
             "merchant": v.pick(MERCHANTS), "limit": v.amount(), "otp": v.otp(),
             "bank": v.bank().short}
    return v.pick((
        "{amt} spent on your {bank} Bank Card {card} at {merchant} on {date}. Avl Lmt: {limit}",
        "{otp} is the OTP for txn of {amt} at {merchant} on card {card}. Valid for 10 mins."
        " Do not share it with anyone. -{bank}",
    )), slots


def _sms_atm(v: Values) -> tuple[str, Slots]:
    slots = {"amt": v.amount(), "atm": v.atm_id(), "acct": v.masked_account(),
             "date": v.txn_date(), "bal": v.amount(), "card": v.masked_card()}
    return v.pick((
        "{amt} withdrawn at ATM {atm} from A/c {acct} on {date}. Avl bal {bal}",
        "Cash withdrawal of {amt} using card {card} at {atm} on {date}. Not you? Block card now",
    )), slots


def _sms_wallet(v: Values) -> tuple[str, Slots]:
    payee = v.person()
    slots = {"amt": v.amount(), "merchant": v.pick(MERCHANTS).title(), "txn": v.txn_id(),
             "bal": v.amount(), "name": v.name(payee), "phone": v.phone(), "date": v.txn_date()}
    return v.pick((
        "Paid {amt} to {merchant} from Paytm Wallet. Txn ID: {txn}. Updated balance: {bal}",
        "{amt} sent to {name} ({phone}) from your wallet on {date}. Transaction ID {txn}",
        "Refund of {amt} for txn {txn} is credited to your wallet linked to {phone}",
    )), slots


def _sms_premium(v: Values) -> tuple[str, Slots]:
    holder = v.person()
    slots = {"amt": v.amount(), "policy": v.policy_no(), "date": v.txn_date(),
             "title": v.honorific(holder), "name": v.name(holder),
             "mandate": v.mandate_id(v.bank())}
    return v.pick((
        "Premium of {amt} for policy {policy} received on {date}. Thank you, {title} {name}.",
        "Dear {title} {name}, auto-debit of {amt} (UMRN {mandate}) for policy no {policy}"
        " is due on {date}.",
    )), slots


# --- templates: statement narrations ----------------------------------------------------------


def _statement_row(v: Values, narration: str, slots: Slots) -> tuple[str, Slots]:
    """A narration as exported statement rows carry it: with date, amount and balance, or bare."""
    row = v.pick((
        "{row_date} {narration} {row_amt} Dr {row_bal}",
        "{row_date} | {narration} | {row_amt} | Bal {row_bal}",
        "Txn dt {row_date}: {narration} amt {row_amt}",
        "{narration}",
    ))
    row_slots = {"row_date": v.txn_date(), "row_amt": v.amount(currency=False),
                 "row_bal": v.amount(currency=False)}
    return row.replace("{narration}", narration), {**slots, **row_slots}


def _narr_upi(v: Values) -> tuple[str, Slots]:
    party, bank = v.person(), v.bank()
    slots = {"rrn": v.rrn(), "name": v.name(party, upper=True, truncate=True),
             "bank": bank.short, "vpa": v.vpa(party), "note": v.note(), "ifsc": v.ifsc(bank),
             "dir": v.pick(("DR", "CR"))}
    return _statement_row(v, v.pick((
        "UPI/{dir}/{rrn}/{name}/{bank}/{vpa}/{note}",
        "UPI/{rrn}/{name}/{vpa}/{bank}/{note}",
        "UPI-{name}-{vpa}-{ifsc}-{rrn}-{note}",
        "UPI/P2A/{rrn}/{name}/{bank}/{note}",
    )), slots)


def _narr_upi_merchant(v: Values) -> tuple[str, Slots]:
    slots = {"rrn": v.rrn(), "merchant": v.pick(MERCHANTS), "vpa": v.merchant_vpa(),
             "bank": v.bank().short, "order": v.order_id()}
    return _statement_row(v, v.pick((
        "UPI/P2M/{rrn}/{merchant}/{bank}/{vpa}/Order {order}",
        "UPI/DR/{rrn}/{merchant}/{bank}/{vpa}/UPI",
    )), slots)


def _narr_neft(v: Values) -> tuple[str, Slots]:
    party, bank = v.person(), v.bank()
    slots = {"utr": v.neft_utr(bank), "name": v.name(party, upper=True, truncate=True),
             "bank": bank.short, "ifsc": v.ifsc(bank), "note": v.note().upper()}
    return _statement_row(v, v.pick((
        "NEFT/{utr}/{name}/{bank}",
        "NEFT CR-{ifsc}-{name}-{note}-{utr}",
        "NEFT DR-{ifsc}-{name}-NETBANK, MUM-{utr}-{note}",
        "BY TRANSFER-NEFT*{ifsc}*{utr}*{name}",
    )), slots)


def _narr_imps(v: Values) -> tuple[str, Slots]:
    party, bank = v.person(), v.bank()
    slots = {"rrn": v.rrn(), "name": v.name(party, upper=True, truncate=True),
             "bank": bank.short, "ifsc": v.ifsc(bank), "acct": v.masked_account(),
             "note": v.note()}
    return _statement_row(v, v.pick((
        "IMPS/P2A/{rrn}/{name}/{bank}/{acct}/{note}",
        "MMT/IMPS/{rrn}/{name}/{ifsc}",
        "IMPS-{rrn}-{name}-{bank}-{acct}-{note}",
    )), slots)


def _narr_rtgs(v: Values) -> tuple[str, Slots]:
    party, bank = v.person(), v.bank()
    slots = {"utr": v.rtgs_utr(bank), "name": v.name(party, upper=True, truncate=True),
             "ifsc": v.ifsc(bank)}
    return _statement_row(v, v.pick(("RTGS/{utr}/{name}", "RTGS CR-{ifsc}-{name}-{utr}")), slots)


def _narr_atm_pos(v: Values) -> tuple[str, Slots]:
    slots = {"place": v.pick(ATM_PLACES), "atm": v.atm_id(), "card": v.masked_card(),
             "merchant": v.pick(MERCHANTS), "date": v.txn_date()}
    return _statement_row(v, v.pick((
        "ATM/CASH WDL/{place}/{atm}",
        "ATW-{card}-{atm}-{place}",
        "POS/{merchant}/{card}",
        "POS {card} {merchant} {date}",
    )), slots)


def _narr_transfer(v: Values) -> tuple[str, Slots]:
    party, bank = v.person(), v.bank()
    slots = {"acct": v.bank_account(bank), "name": v.name(party, upper=True),
             "cheque": v.cheque_no(), "mandate": v.mandate_id(bank),
             "lender": v.pick(("BAJAJ FINANCE LTD", "HDB FINANCIAL", "TATA CAPITAL LTD"))}
    return _statement_row(v, v.pick((
        "IB FUNDS TRANSFER DR-A/C {acct}-{name}",
        "INB TRF TO A/C {acct} {name}",
        "CHQ DEP/{cheque}/{name}/CTS CLG",
        "TO CLG CHQ NO {cheque} {name}",
        "ACH D- {lender}-{mandate}",
    )), slots)


# --- templates: KYC notes ---------------------------------------------------------------------


def _kyc_individual(v: Values) -> tuple[str, Slots]:
    person = v.person()
    slots = {"name": v.name(person), "pan": v.pan(person), "aadhaar": v.aadhaar(),
             "dob": v.dob(), "phone": v.phone(), "title": v.honorific(person)}
    return v.pick((
        "KYC verified: name: {name}, PAN {pan}, Aadhaar {aadhaar}, DOB {dob}, mobile {phone}",
        "eKYC done for {title} {name} (DOB: {dob}); aadhaar no. {aadhaar} matched, PAN {pan}"
        " linked",
        "Customer {name} | PAN: {pan} | UID: {aadhaar} | Date of birth: {dob} | Mob: {phone}",
    )), slots


def _kyc_address(v: Values) -> tuple[str, Slots]:
    person = v.person()
    slots = {"epic": v.epic(), "addr": v.address(), "pin": v.pincode(), "dob": v.dob(),
             "name": v.name(person), "date": v.txn_date()}
    return v.pick((
        "Address proof: Voter ID {epic}; address: {addr} - {pin}; DOB {dob}",
        "OVD collected on {date} for {name}: EPIC no {epic}, residing at {addr}, PIN {pin}",
        "Name: {name}, voter id card {epic}, born on {dob}, address {addr} {pin}",
    )), slots


def _kyc_vid(v: Values) -> tuple[str, Slots]:
    person = v.person()
    slots = {"vid": v.vid(), "masked": v.masked_aadhaar(), "name": v.name(person),
             "date": v.txn_date(), "ticket": v.ticket()}
    return v.pick((
        "Customer shared Aadhaar VID {vid} instead of the number for eKYC; masked Aadhaar"
        " {masked} on record",
        "Offline eKYC for {name} on {date}: VID {vid}, stored reference {masked} only",
        "Ticket {ticket}: {name} wants to use Virtual ID {vid} for re-KYC, Aadhaar on file"
        " {masked}",
    )), slots


def _kyc_business(v: Values) -> tuple[str, Slots]:
    owner, bank = v.person(), v.bank()
    slots = {"gstin": v.gstin(), "title": v.honorific(owner), "name": v.name(owner),
             "pan": v.pan(owner), "ifsc": v.ifsc(bank), "acct": v.bank_account(bank),
             "email": v.email(owner)}
    return v.pick((
        "GST registration: GSTIN {gstin}, proprietor {title} {name}, PAN {pan}, IFSC {ifsc},"
        " current a/c {acct}",
        "Merchant onboarding - GSTIN {gstin}; settlement account no {acct} ({ifsc});"
        " contact {email}",
        "Current account opened for {name}, GST no {gstin}, proprietor PAN {pan}, A/c {acct}",
    )), slots


def _kyc_travel_docs(v: Values) -> tuple[str, Slots]:
    person = v.person()
    slots = {"passport": v.passport(), "dl": v.driving_licence(), "dob": v.dob(),
             "name": v.name(person), "title": v.honorific(person),
             "expiry": neg(str(v.rng.randint(2027, 2036)), "DATE")}
    return v.pick((
        "NRI KYC: passport {passport} (exp {expiry}), driving licence {dl}, born on {dob}",
        "{title} {name} submitted passport no. {passport} and DL no {dl}; date of birth {dob}",
        "Name: {name} | Passport: {passport} | DL: {dl} | DOB: {dob}",
    )), slots


def _kyc_vehicle(v: Values) -> tuple[str, Slots]:
    owner = v.person()
    slots = {"reg": v.vehicle_reg(), "title": v.honorific(owner), "name": v.name(owner),
             "policy": v.policy_no(), "emi": v.amount(), "phone": v.phone(),
             "dl": v.driving_licence()}
    return v.pick((
        "Vehicle loan: reg no {reg}, borrower {title} {name}, insurance policy {policy},"
        " EMI {emi}",
        "RC verified for {reg} (owner {name}), owner's DL {dl}",
        "FASTag KYC: vehicle {reg}, mobile {phone}, customer {name}",
    )), slots


def _kyc_payroll(v: Values) -> tuple[str, Slots]:
    employee, bank = v.person(), v.bank()
    slots = {"uan": v.uan(), "name": v.name(employee), "acct": v.bank_account(bank),
             "ifsc": v.ifsc(bank), "pan": v.pan(employee), "amt": v.amount()}
    return v.pick((
        "Salary account KYC: UAN {uan}, employee name: {name}, a/c no {acct}, IFSC {ifsc}",
        "EPF withdrawal for UAN {uan}: member {name}, PAN {pan}, bank account number {acct}"
        " ({ifsc}), amount {amt}",
    )), slots


def _kyc_card_dispute(v: Values) -> tuple[str, Slots]:
    holder = v.person()
    slots = {"card": v.card(), "amt": v.amount(), "date": v.txn_date(),
             "title": v.honorific(holder), "name": v.name(holder), "email": v.email(holder),
             "ticket": v.ticket(), "merchant": v.pick(MERCHANTS)}
    return v.pick((
        "Dispute raised for card {card} txn of {amt} on {date}; cardholder {title} {name},"
        " email {email}",
        "Chargeback {ticket}: debit card no {card}, {amt} at {merchant}, customer {name}",
        "Card replacement request: old card number {card}, holder {name}, ref {ticket}",
    )), slots


def _kyc_insurance(v: Values) -> tuple[str, Slots]:
    insured, nominee, bank = v.person(), v.person(), v.bank()
    slots = {"policy": v.policy_no(), "title": v.honorific(insured), "name": v.name(insured),
             "dob": v.dob(), "nominee": v.name(nominee), "ntitle": v.honorific(nominee),
             "acct": v.bank_account(bank), "ifsc": v.ifsc(bank), "amt": v.amount()}
    return v.pick((
        "Claim for policy no {policy}, insured {title} {name}, DOB {dob}, nominee {ntitle}"
        " {nominee}, payout a/c {acct} IFSC {ifsc}",
        "Maturity {amt} for policy {policy} to be credited to account no. {acct} ({ifsc}) of"
        " {name}",
    )), slots


# --- templates: support chats and e-mail ------------------------------------------------------


def _chat_wrong_transfer(v: Values) -> tuple[str, Slots]:
    me, other, bank = v.person(), v.person(), v.bank()
    slots = {"amt": v.amount(), "vpa": v.vpa(other), "rrn": v.rrn(), "acct": v.bank_account(bank),
             "date": v.txn_date(), "ticket": v.ticket(), "name": v.name(me)}
    return v.pick((
        "Customer: I paid {amt} to wrong UPI id {vpa}, ref no {rrn}. please refund to my"
        " a/c {acct}",
        "Agent: complaint {ticket} logged for {amt} sent on {date} to {vpa} (RRN {rrn})",
        "Hi, this is {name}. Money {amt} debited on {date} but {vpa} did not get it. UTR {rrn}",
    )), slots


def _chat_contact_update(v: Values) -> tuple[str, Slots]:
    person = v.person()
    slots = {"old": v.phone(), "new": v.phone(), "email": v.email(person),
             "name": v.name(person), "ticket": v.ticket()}
    return v.pick((
        "Please update my mobile from {old} to {new}, registered email {email}",
        "Customer {name} requests mobile number change to {new}; OTP sent to {email}",
        "Ticket {ticket}: email id changed to {email} for {name}, mobile {new} verified",
    )), slots


def _chat_card_delivery(v: Values) -> tuple[str, Slots]:
    person = v.person()
    slots = {"card": v.masked_card(), "addr": v.address(), "pin": v.pincode(),
             "name": v.name(person), "phone": v.phone(), "title": v.honorific(person)}
    return v.pick((
        "Agent: blocked card ending {card}. Customer asked to send new card to {addr},"
        " PIN {pin}",
        "Deliver replacement card to {title} {name}, {addr} - {pin}, contact {phone}",
        "Courier returned card {card}: address {addr} {pin} incomplete, call {phone}",
    )), slots


def _chat_security(v: Values) -> tuple[str, Slots]:
    person = v.person()
    slots = {"device": v.device_id(), "ip": v.ip_address(), "geo": v.geo(),
             "email": v.email(person), "date": v.txn_date(), "name": v.name(person)}
    return v.pick((
        "Login from new device: device id {device}, IP {ip}, location {geo} for user {email}",
        "Risk alert on {date}: device {device} at lat,long {geo} from IP {ip} for {name}",
        "App fraud report: IMEI/device id {device}, IP {ip}, GPS {geo}",
    )), slots


def _chat_hinglish_upi(v: Values) -> tuple[str, Slots]:
    me, other = v.person(), v.person()
    slots = {"vpa": v.vpa(me), "amt": v.amount(), "phone": v.phone(), "rrn": v.rrn(),
             "name": v.name(other), "other_vpa": v.vpa(other)}
    return v.pick((
        "mera UPI id hai {vpa}, usme {amt} bhej do",
        "bhaiya maine {amt} galat number {phone} pe bhej diye UPI se, UTR {rrn}, wapas kara do",
        "{name} ko {other_vpa} pe {amt} bheje the, ref no {rrn}, abhi tak nahi pahunche",
        "sir mera upi {vpa} block ho gaya hai, mobile {phone} se link tha",
    )), slots


def _chat_hinglish_account(v: Values) -> tuple[str, Slots]:
    bank = v.bank()
    slots = {"acct": v.bank_account(bank), "ifsc": v.ifsc(bank), "rrn": v.rrn(),
             "amt": v.amount(), "date": v.txn_date()}
    return v.pick((
        "khata number {acct} hai aur IFSC {ifsc}, paise abhi tak nahi aaye, ref no {rrn}",
        "mera account no {acct} hai {bank} mein, {date} ko {amt} kat gaye",
        "refund isi khate mein daalo: {acct}, IFSC code {ifsc}",
    )), {**slots, "bank": bank.short}


def _chat_hinglish_kyc(v: Values) -> tuple[str, Slots]:
    person = v.person()
    slots = {"aadhaar": v.aadhaar(), "pan": v.pan(person), "dob": v.dob(), "name": v.name(person),
             "phone": v.phone(), "masked": v.masked_pan()}
    return v.pick((
        "aadhaar number {aadhaar} hai mera, KYC pending kyu dikha raha hai?",
        "PAN card {pan} ka KYC update karna hai, janam tithi {dob}",
        "mera naam {name} hai, mobile {phone} pe OTP nahi aa raha",
        "mera naam {name} hai aur PAN {pan} hai, app mein {masked} dikh raha hai",
        "aadhar {aadhaar} se link karna hai, DOB {dob}, naam {name}",
    )), slots


def _chat_hinglish_card(v: Values) -> tuple[str, Slots]:
    slots = {"card": v.card(), "amt": v.amount(), "masked": v.masked_card(),
             "order": v.order_id(), "merchant": v.pick(MERCHANTS).title()}
    return v.pick((
        "mera card {card} se {amt} kat gaye, order {order} cancel hua tha",
        "card ending {masked} block kar do please, {merchant} pe {amt} ka fraud hua",
        "naya card no {card} activate nahi ho raha",
    )), slots


def _email_kyc(v: Values) -> tuple[str, Slots]:
    person = v.person()
    slots = {"email": v.email(person), "pan": v.pan(person), "passport": v.passport(),
             "name": v.name(person), "phone": v.phone(), "aadhaar": v.aadhaar(), "epic": v.epic()}
    return v.pick((
        "From: {email} | Subject: KYC docs | Hi, PFA my PAN {pan} and passport {passport}."
        " Regards, {name}, {phone}",
        "From: {email} | Subject: Re: address update | Aadhaar {aadhaar} and voter id {epic}"
        " attached. Thanks, {name}",
    )), slots


def _email_order(v: Values) -> tuple[str, Slots]:
    person = v.person()
    slots = {"order": v.order_id(), "title": v.honorific(person), "name": v.name(person),
             "addr": v.address(), "pin": v.pincode(), "phone": v.phone(), "amt": v.amount(),
             "email": v.email(person), "date": v.txn_date()}
    return v.pick((
        "Order {order} shipped to {title} {name}, {addr} {pin}, ph {phone}",
        "Invoice for order {order}: {amt} paid on {date} by {email}. Ship to {addr}, {pin}",
    )), slots


def _email_statement(v: Values) -> tuple[str, Slots]:
    person, bank = v.person(), v.bank()
    slots = {"title": v.honorific(person), "name": v.name(person), "acct": v.bank_account(bank),
             "month": v.pick(("Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026")),
             "masked": v.masked_account(), "email": v.email(person), "bal": v.amount()}
    return v.pick((
        "Dear {title} {name}, your statement for a/c no {acct} for {month} is attached.",
        "Statement of account {masked} for {month} sent to {email}. Closing balance {bal}",
    )), slots


TEMPLATES: tuple[tuple[Template, int], ...] = (
    (_sms_upi_debit, 3), (_sms_upi_credit, 3), (_sms_neft_credit, 2), (_sms_imps_debit, 2),
    (_sms_card_spend, 1), (_sms_atm, 1), (_sms_wallet, 1), (_sms_premium, 1),
    (_narr_upi, 5), (_narr_upi_merchant, 2), (_narr_neft, 3), (_narr_imps, 2), (_narr_rtgs, 1),
    (_narr_atm_pos, 1), (_narr_transfer, 2),
    (_kyc_individual, 2), (_kyc_address, 2), (_kyc_vid, 2), (_kyc_business, 2),
    (_kyc_travel_docs, 2), (_kyc_vehicle, 2), (_kyc_payroll, 1), (_kyc_card_dispute, 2),
    (_kyc_insurance, 1),
    (_chat_wrong_transfer, 2), (_chat_contact_update, 2), (_chat_card_delivery, 2),
    (_chat_security, 2), (_chat_hinglish_upi, 2), (_chat_hinglish_account, 2),
    (_chat_hinglish_kyc, 2), (_chat_hinglish_card, 2),
    (_email_kyc, 1), (_email_order, 1), (_email_statement, 1),
)
"""Templates and their relative frequency: narrations and alerts dominate real bank text."""


