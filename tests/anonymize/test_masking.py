import pyarrow as pa
import pytest

from anonymize.exceptions import InvalidValue, UnknownIdentifier
from anonymize.transforms.masking import REDACTED, mask_column, redact_column


@pytest.mark.parametrize(("identifier", "value", "masked"), [
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    ("aadhaar", "2341 2341 2346", "XXXX XXXX 2346"),
    ("aadhaar", "2341-2341-2346", "XXXX XXXX 2346"),
    ("pan", "abcpd1234f", "ABCPDXXXXF"),
    ("bank_account", "0012-3456-7890", "XXXXXXXX7890"),
    ("bank_account", "123456789", "XXXXXXXX6789"),
    ("mobile", "+91 98450 12763", "XXXXXX2763"),
    ("upi_vpa", "Asha.Rao@OKSBI", "XXXX@oksbi"),
    ("upi_vpa", "9845012763@paytm", "XXXX@paytm"),
    ("email", "asha.rao@example.co.in", "XXXX@example.co.in"),
    (None, "4111111111111111", "XXXXXXXXXXXX1111"),
    (None, "abc", "XXX"),
    ("customer_id", " CUST-00042 ", "XXXXXX0042"),
])
def test_mask_outputs(identifier, value, masked):
    assert mask_column(pa.array([value]), identifier).to_pylist() == [masked]


def test_mask_keeps_nulls():
    assert mask_column(pa.array([None, "2341 2341 2346"]), "aadhaar").to_pylist() == [
        None, "XXXX XXXX 2346"]


@pytest.mark.parametrize(("identifier", "value"), [
    ("aadhaar", "2346"), ("pan", "ABCPD12345"), ("mobile", "12763"), ("upi_vpa", "no-handle"),
    ("bank_account", "7890"),
])
def test_values_too_short_or_malformed_are_refused_not_passed_through(identifier, value):
    with pytest.raises(InvalidValue, match="row 1") as caught:
        mask_column(pa.array(["x" if identifier is None else None, value]), identifier)
    assert value not in str(caught.value)


def test_mask_refuses_numbers_and_unknown_kinds():
    with pytest.raises(InvalidValue, match="strings"):
        mask_column(pa.array([234123412346]), "aadhaar")
    with pytest.raises(UnknownIdentifier):
        mask_column(pa.array(["x"]), "passport")


def test_redact_to_null_keeps_the_type():
    out = redact_column(pa.array([1.5, None]))
    assert out.to_pylist() == [None, None] and out.type == pa.float64()


def test_redact_to_fixed_text_keeps_nulls():
    assert redact_column(pa.array(["Asha", None]), REDACTED).to_pylist() == ["<REDACTED>", None]
