"""nijta's recognizers inside stock Presidio engines."""

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from anonymize.detection import build_analyzer, nijta_recognizers
from anonymize.detection.nlp import offline_nlp_engine
from anonymize.detection.recognizers import AadhaarRecognizer, PanRecognizer, PhoneRecognizer
from anonymize.findings import ENTITY_TYPES

# Not real identifiers: python-stdnum's documented examples or made-up shapes.
TEXT = "Aadhaar 2341 2341 2346, PAN ACUPA7085R, mobile 9876543210, UPI Ref 412345678902"


def _found(results, text=TEXT):
    return sorted((r.entity_type, text[r.start:r.end], r.score) for r in results)


def test_stock_engine_accepts_the_recognizers_through_the_registry():
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in (AadhaarRecognizer(), PanRecognizer()):
        registry.add_recognizer(recognizer)
    engine = AnalyzerEngine(registry=registry,
                            nlp_engine=offline_nlp_engine(use_installed_model=False))
    assert _found(engine.analyze(TEXT, language="en")) == [
        ("AADHAAR", "2341 2341 2346", 1.0), ("PAN", "ACUPA7085R", 1.0)]


def test_build_analyzer_holds_exactly_nijta_recognizers():
    analyzer = build_analyzer(use_installed_model=False)
    names = {r.name for r in analyzer.registry.recognizers}
    assert names == {r.name for r in nijta_recognizers(use_installed_model=False)}
    assert set(analyzer.get_supported_entities("en")) == set(ENTITY_TYPES) - {"ADDRESS"}


def test_every_result_is_marked_as_context_scored():
    results = build_analyzer(use_installed_model=False).analyze(TEXT, language="en")
    assert results
    key = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY
    assert all(r.recognition_metadata[key] for r in results)


def test_presidio_context_enhancer_does_not_rescore():
    eager = LemmaContextAwareEnhancer(context_similarity_factor=0.9,
                                      min_score_with_context_similarity=0.99)
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(PhoneRecognizer())
    engine = AnalyzerEngine(registry=registry, context_aware_enhancer=eager,
                            nlp_engine=offline_nlp_engine(use_installed_model=False))
    text = "ping 9876543210"  # no label in the text: the phone scores its unlabelled 0.75
    plain = engine.analyze(text, language="en", context=["phone", "mobile"])
    assert _found(plain, text) == [("PHONE_IN", "9876543210", 0.75)]


def test_engine_threshold_is_the_detector_default():
    analyzer = build_analyzer(use_installed_model=False)
    text = "J8369854"  # an unlabelled passport-shaped code scores 0.4
    assert analyzer.analyze(text, language="en") == []
    assert _found(analyzer.analyze(text, language="en", score_threshold=0.3), text) == [
        ("PASSPORT_IN", "J8369854", 0.4)]


def test_entities_filter():
    analyzer = build_analyzer(use_installed_model=False)
    assert _found(analyzer.analyze(TEXT, language="en", entities=["PAN"])) == [
        ("PAN", "ACUPA7085R", 1.0)]
