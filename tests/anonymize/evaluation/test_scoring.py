import json

import pytest

from anonymize.evaluation.corpus import HardNegative, LabelledSpan, LabelledText
from anonymize.evaluation.scoring import OTHER, PRESIDIO_TYPE_MAP, score
from anonymize.findings import Finding


def _text(text: str, spans=(), negatives=()) -> LabelledText:
    """A labelled text from ``(value, type)`` spans and ``(value, kind)`` negatives."""
    def at(value):
        start = text.index(value)
        return start, start + len(value)
    return LabelledText(
        id=text[:10], text=text,
        spans=tuple(LabelledSpan(*at(value), t) for value, t in spans),
        hard_negatives=tuple(HardNegative(*at(value), kind) for value, kind in negatives))


CORPUS = [
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    _text("PAN ABCPS1234F, UPI Ref 612345678901",
          spans=[("ABCPS1234F", "PAN")], negatives=[("612345678901", "RRN")]),
    _text("call 9845012763 or mail a.b@gmail.com on Rs 500",
          spans=[("9845012763", "PHONE_IN"), ("a.b@gmail.com", "EMAIL")],
          negatives=[("Rs 500", "AMOUNT")]),
    _text("mera naam Priya Sharma hai", spans=[("Priya Sharma", "PERSON")]),
]


def test_overlap_counts_per_type_micro_and_hard_negatives():
    report = score(CORPUS, [
        [Finding(4, 14, "PAN", 1.0), Finding(24, 36, "AADHAAR", 1.0)],
        [Finding(8, 15, "PHONE_IN", 0.4), Finding(0, 4, "EMAIL", 0.9)],
        [],
    ])
    assert report.texts == 3
    assert report.per_type["PAN"].recall == 1.0 and report.per_type["PAN"].precision == 1.0
    assert report.per_type["PHONE_IN"].found == 1  # partial overlap is a hit
    assert report.per_type["AADHAAR"].labelled == 0 and report.per_type["AADHAAR"].recall is None
    assert report.per_type["AADHAAR"].precision == 0.0
    email = report.per_type["EMAIL"]
    assert (email.labelled, email.found, email.predicted, email.correct) == (1, 0, 1, 0)
    assert report.identifier_precision == 0.5  # 2 of PAN, AADHAAR, PHONE_IN, EMAIL
    assert report.identifier_recall == pytest.approx(2 / 3, abs=1e-4)
    assert report.identifier_recall_any == report.identifier_recall
    assert report.person_recall == 0.0
    assert report.hard_negatives == 2 and report.hard_negatives_flagged == 0.5
    assert report.hard_negatives_flagged_by_kind == {"AMOUNT": 0.0, "RRN": 1.0}


def test_wrong_type_overlap_counts_only_as_any_recall():
    report = score(CORPUS[:1], [[Finding(4, 14, "IN_VOTER", 0.4)]])
    assert report.identifier_recall == 0.0 and report.identifier_recall_any == 1.0
    assert report.per_type[OTHER].predicted == 1 and report.identifier_precision == 0.0
    assert report.other_types == {"IN_VOTER": 1}


def test_type_map_credits_native_types_and_the_rest_is_other():
    report = score(CORPUS, [
        [Finding(4, 14, "IN_PAN", 0.5), Finding(24, 36, "US_BANK_NUMBER", 0.05)],
        [Finding(5, 15, "PHONE_NUMBER", 0.4), Finding(41, 47, "DATE_TIME", 0.6)],
        [Finding(10, 22, "PERSON", 0.85)],
    ], type_map=PRESIDIO_TYPE_MAP)
    assert report.per_type["PAN"].correct == 1 and report.per_type["PHONE_IN"].correct == 1
    assert report.per_type["BANK_ACCOUNT"].precision == 0.0
    assert report.other_types == {"DATE_TIME": 1}
    assert report.identifier_precision == 0.5 and report.person_recall == 1.0
    assert report.hard_negatives_flagged == 1.0


def test_touching_spans_do_not_overlap():
    report = score(CORPUS[:1], [[Finding(0, 4, "PAN", 1.0), Finding(14, 15, "PAN", 1.0)]])
    assert report.per_type["PAN"].found == 0 and report.per_type["PAN"].correct == 0


def test_no_predictions_leaves_precision_undefined_and_report_is_json():
    report = score(CORPUS, [[], [], []])
    assert report.identifier_precision is None and report.identifier_recall == 0.0
    assert report.hard_negatives_flagged == 0.0
    assert json.loads(json.dumps(report.to_dict()))["per_type"]["PAN"]["labelled"] == 1


def test_one_prediction_list_per_text():
    with pytest.raises(ValueError, match="2 prediction lists for 3 texts"):
        score(CORPUS, [[], []])
