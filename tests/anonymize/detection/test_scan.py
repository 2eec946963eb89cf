"""The shared scan: tokenization precedence, context labels, and batch == one text at a time."""

import random
from bisect import bisect_left

import pytest

from anonymize.detection.recognizers import Scan
from anonymize.detection.recognizers.base import _first_starting_at
from anonymize.detection.recognizers.context import find_labels
from anonymize.detection.recognizers.shapes import tokenize


def _kinds(text):
    return [(token.kind, token.raw) for token in tokenize(text)]


def test_a_vpa_claims_its_digits_before_any_number_shape():
    assert _kinds("pay 9876543210@ybl") == [("at", "9876543210@ybl")]


def test_letter_led_identifiers_start_at_their_letters():
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    text = "PAN ACUPA7085R IFSC SBIN0001234 EPIC WKH1186253 passport J8369854"
    assert _kinds(text) == [("pan", "ACUPA7085R"), ("ifsc", "SBIN0001234"),
                            ("epic", "WKH1186253"), ("passport", "J8369854")]


def test_number_kinds_carry_their_length_or_grouping():
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    text = "234123412346, 2341 2341 2346, 98765 43210, +91 98765 43210, 560001"
    assert [k for k, _ in _kinds(text)] == ["n12", "g444", "g55", "plus", "n6"]


@pytest.mark.parametrize("text", [
    "Rs 1,50,000.00", "12.50", "602931******2200", "order #12", "10:30",
])
def test_amounts_decimals_and_masks_are_not_identifier_tokens(text):
    assert [k for k, _ in _kinds(text) if k[0] in "ng"] == []


def test_rejected_amounts_leave_dates_addresses_and_coordinates_alone():
    # The tokenizer skips "1,234.56" and "10.30" up front; shapes that start the same way but
    # continue (a second dot, four decimals) must still be tokens.
    text = "Rs 1,234.56 at 10.30 on 12.03.2024 from 10.1.2.3 at 12.9716, 77.5946 for 12,500"
    assert [k for k, _ in _kinds(text)] == ["date", "ipv4", "geo"]


@pytest.mark.parametrize("plate", ["MH 12 AB 1234", "mh 12 ab 1234", "Ka-01-Hh-1234"])
def test_state_codes_read_in_any_case(plate):
    assert [k for k, _ in _kinds(f"vehicle {plate}")] == ["plate_sp"]


def test_a_label_at_the_start_of_a_text_is_read_whole():
    # "a/c holder" (a name cue), not "a/c" (an account label), with nothing before it.
    assert find_labels("a/c holder ravi").name_cue_ends == [len("a/c holder")]
    assert find_labels("x a/c holder ravi").name_cue_ends == [len("x a/c holder")]


def test_nearest_label_describes_a_value():
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    text = "Aadhaar: 2341 2341 2346, UPI Ref 412345678901"
    labels = find_labels(text.lower())
    assert labels.before(text.index("2341")) == "aadhaar"
    assert labels.before(text.index("4123")) == "reference"


def test_labels_before_positions_in_any_order_equal_fresh_lookups():
    # Labels.before steps on from the label it found last; out of order it must search again.
    text = "name x, a/c no 1234 rs 50 upi id ref 9 mobile 12 pin 56"
    positions = [(start, floor) for start in range(len(text) + 1) for floor in (0, start - 12)]
    fresh = [find_labels(text).before(start, floor) for start, floor in positions]
    assert set(fresh) >= {"account", "amount", "reference", "phone"}
    for order in (positions, positions[::-1], random.Random(7).sample(positions, len(positions))):
        labels = find_labels(text)
        assert [labels.before(*position) for position in order] == [
            fresh[positions.index(position)] for position in order]


def test_a_label_does_not_reach_past_the_previous_value():
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    scan = Scan("Aadhaar 2341 2341 2346 and 2341 2341 2346")
    assert [t.label for t in scan.tokens] == ["aadhaar", None]


def test_amount_labels_only_describe_the_number_right_after_them():
    scan = Scan("Rs 500 for 9876543210")
    assert [t.label for t in scan.tokens] == [None]  # 500 is too short to be a token
    assert Scan("Rs 9876543210").tokens[0].label == "amount"


def test_hinglish_labels():
    labels = find_labels("mera khata number hai, aadhar card, janam tithi, upi id")
    text = "mera khata number hai, aadhar card, janam tithi, upi id"
    assert labels.before(text.index(", aadhar")) == "account"
    assert labels.before(len(text)) == "vpa"


def test_narration_slots_label_their_numbers():
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    scan = Scan("UPI/DR/412345678901/RAMESH KUMAR/SBIN/ramesh@oksbi/rent")
    assert scan.tokens[0].label == "reference"


def _shifted(spans, by):
    return [(start - by, end - by) for start, end in spans]


def test_joined_scan_equals_scans_of_single_texts():
    # Labels, tokens, names and narration fields must all stop at the edge of their own text.
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    texts = [
        "Aadhaar 2341 2341 2346", "", "UPI/DR/412345678902/ASHA RAO/SBIN/asha@oksbi/rent",
        "12", "Dear Aarav Sharma, a/c 12345678901", "mobile 9876543210\nPAN ACUPA7085R",
        "NEFT/N123456789012/RAVI", "412345678902 Mr", "Aarav Sharma ref", "2341 2341 2346",
    ]
    joined = Scan.joined(texts)
    for text, base in zip(texts, joined.starts, strict=True):
        single = Scan(text)
        end = base + len(text)
        tokens = [t for t in joined.tokens if base <= t.start < end]
        assert [(t.kind, t.start - base, t.end - base, t.raw, t.label) for t in tokens] == [
            (t.kind, t.start, t.end, t.raw, t.label) for t in single.tokens]
        assert _shifted([n for n in joined.names if base <= n[0] < end], base) == single.names
        narrations = [n for n in joined.narrations if base <= n.start < end]
        assert [(n.start - base, n.end - base, _shifted(n.names, base),
                 _shifted(n.references, base), _shifted(n.accounts, base)) for n in narrations] == [
            (n.start, n.end, list(n.names), list(n.references), list(n.accounts))
            for n in single.narrations]


def test_texts_with_nul_characters_cannot_be_joined():
    with pytest.raises(ValueError, match="NUL"):
        # Not real identifiers: python-stdnum's documented examples or made-up shapes.
        Scan.joined(["a\0Aadhaar 2341 2341 2346", "PAN ACUPA7085R"])


@pytest.mark.parametrize("text", [
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    "UPI/DR/412345678902/ASHA RAO/SBIN/asha@oksbi/rent",
    "ASHA UPI/CR/412345678902/RAVI",         # a name right before a head
    "Dear Aarav Sharma, NEFT-N123456789012-RAVI KUMAR-HDFC",
    "SUMIT BUMB-NETBANK, MUMB/1234",          # "MB-" and "MB/" inside words are no heads
    "XUPI/12345678 ÀUPI/12345678 _UPI/12345678 2UPI/12345678",
    "IB FUNDS TRANSFER DR-12345678901-PRIYA SINGH",
    "Ravi  Kumar, RAVI KUMAR, Ravi kumar, D’Souza",
])
def test_names_and_heads_in_one_pass_equal_the_separate_finders(text):
    # The scan finds known names and narration heads in one regex pass; it must find what the
    # names finder and the narration parser (with its own head regex) find on their own.
    from anonymize.detection.recognizers.names import find_known_names
    from anonymize.detection.recognizers.narration import parse_narrations

    scan = Scan(text)
    assert scan.names == find_known_names(text)
    assert scan.narrations == parse_narrations(text)


def test_a_head_that_does_not_start_a_word_opens_no_narration():
    from anonymize.detection.recognizers.narration import parse_narrations

    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    assert parse_narrations("SUMIT BUMB-NETBANK-412345678902") == []
    assert [n.start for n in Scan("x UPI/412345678902/RAVI KUMAR/SBIN").narrations] == [2]


def test_narration_slots_find_the_first_token_at_each_position():
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    tokens = tokenize("ref 412345678901 a/c 12345678901, 9876543210 and 2341 2341 2346 end")
    starts = [token.start for token in tokens]
    assert len(starts) == 4
    for position in range(-1, starts[-1] + 3):
        assert _first_starting_at(tokens, position) == bisect_left(starts, position)
    assert _first_starting_at([], 5) == 0
