"""An offline NLP engine for Presidio: a blank spaCy pipeline loaded by path, no downloads.

Presidio's ``SpacyNlpEngine`` downloads ``en_core_web_lg`` unless the model name is an installed
package or an existing path; a blank English pipeline written to a cache folder is such a path.
It tokenizes only (no NER, no lemmas). Presidio's e-mail recognizer calls ``tldextract``, which
fetches the public-suffix list unless told to use its bundled snapshot: :func:`offline_nlp_engine`
keeps that offline too.

Usage::

    analyzer = AnalyzerEngine(nlp_engine=offline_nlp_engine(), registry=registry)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import spacy
import tldextract
from presidio_analyzer.nlp_engine import NlpEngine, NlpEngineProvider

__all__ = ["BLANK_MODEL_DIR", "installed_spacy_model", "offline_nlp_engine"]

BLANK_MODEL_DIR = Path(tempfile.gettempdir()) / "nijta-spacy-blank-en"
_NER_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_trf")


def _keep_tldextract_offline() -> None:
    # tldextract builds its module-level extractor at import, reading this variable then; set
    # it for later processes and replace the extractor for this one (empty URL list = use the
    # bundled snapshot, no HTTP).
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())


def installed_spacy_model() -> str | None:
    """The first English spaCy NER package installed in this environment, if any."""
    return next((m for m in _NER_MODELS if spacy.util.is_package(m)), None)


def _blank_model_path() -> Path:
    if not (BLANK_MODEL_DIR / "config.cfg").exists():
        spacy.blank("en").to_disk(BLANK_MODEL_DIR)
    return BLANK_MODEL_DIR


def offline_nlp_engine(*, use_installed_model: bool = True) -> NlpEngine:
    """A spaCy NLP engine that never touches the network.

    With ``use_installed_model`` an installed ``en_core_web_*`` package is used (NER for PERSON);
    otherwise, or when none is installed, the blank pipeline.
    """
    _keep_tldextract_offline()
    model = (installed_spacy_model() if use_installed_model else None) or str(_blank_model_path())
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
    return NlpEngineProvider(nlp_configuration=config).create_engine()
