"""What PiiDetector may skip: a recognizer's declared ruled-out labels really rule it out, and
the name runs hold exactly the known names a search for single names finds."""

import itertools
import random

import pytest

from anonymize.detection.recognizers import Scan, TokenRecognizer, nijta_recognizers
from anonymize.detection.recognizers.context import CATEGORIES
from anonymize.detection.recognizers.names import SPELLINGS, find_known_names
from anonymize.evaluation import generate_corpus

_LABELS = (None, *CATEGORIES)
_RECOGNIZERS = [r for r in nijta_recognizers(use_installed_model=False)
                if isinstance(r, TokenRecognizer)]


@pytest.fixture(scope="module")
def corpus_scan():
    return Scan.joined([item.text for item in generate_corpus(600, seed=7)])


@pytest.mark.parametrize("recognizer", _RECOGNIZERS, ids=lambda r: r.ENTITY)
def test_no_scorer_scores_a_token_under_a_label_its_recognizer_rules_out(recognizer, corpus_scan):
    # PiiDetector does not call a scorer under such a label: were a declared label wrong, the
    # detector would miss what the stock engine (which calls every scorer) finds.
    ruled_out = [label for label in _LABELS if not recognizer.may_score(label)]
    tokens = [t for t in corpus_scan.tokens if t.kind in recognizer.SCORERS]
    scored = 0
    for token in tokens:
        scorer = recognizer.SCORERS[token.kind]
        for label in _LABELS:
            score = scorer(corpus_scan, token.with_label(label))
            if label in ruled_out:
                assert score is None, (recognizer.ENTITY, token.kind, label)
            scored += bool(score)
    assert scored, recognizer.ENTITY  # some token scores under a label it may score under


def test_labels_that_rule_out_or_are_needed():
    by_entity = {r.ENTITY: r for r in _RECOGNIZERS}
    assert not by_entity["AADHAAR"].may_score("reference")
    assert by_entity["AADHAAR"].may_score(None) and by_entity["AADHAAR"].may_score("aadhaar")
    assert not by_entity["BANK_ACCOUNT"].may_score(None)
    assert by_entity["BANK_ACCOUNT"].may_score("account")
    assert by_entity["DATE_OF_BIRTH"].may_score("dob")
    assert not by_entity["DATE_OF_BIRTH"].may_score("reference")
    assert by_entity["GSTIN"].may_score("reference")  # a GSTIN is checked, whatever the label


def test_name_runs_join_exactly_the_names_one_space_apart():
    rng = random.Random(3)
    spellings = sorted(SPELLINGS)
    words = [*spellings[:300], "Mumbai", "x", "AB", "Mary-", "O'", ","]
    seps = ["", " ", "  ", "-", "'", "\n"]
    text = "".join(rng.choice(words) + rng.choice(seps) for _ in range(5000))
    runs = find_known_names(text)
    assert len(runs) > 200 and any(" " in text[start:end] for start, end in runs)
    for (_, end), (next_start, _) in itertools.pairwise(runs):
        assert not (next_start == end + 1 and text[end] == " ")  # adjacent names are one run
    for start, end in runs:
        for word in text[start:end].split(" "):  # each word of a run is a name on its own
            assert find_known_names(word) == [(0, len(word))], word
