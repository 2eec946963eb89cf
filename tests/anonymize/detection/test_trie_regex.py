"""trie_regex: the alternation of a word list, factored by prefixes, matches exactly the words."""

import random
import re

from anonymize.detection.recognizers.context import CATEGORIES, trie_regex


def _matches_exactly(words):
    pattern = re.compile(f"(?:{trie_regex(words)})")
    candidates = set(words) | {w[:i] for w in words for i in range(len(w))} | {
        w + tail for w in words for tail in ("s", " ", "x", "  no")}
    for candidate in candidates:
        assert bool(pattern.fullmatch(candidate)) == (candidate in words), candidate


def test_words_that_are_prefixes_of_others_match_on_their_own_and_in_full():
    _matches_exactly({"pan", "pan card", "pan no", "pin", "ab", "abc", "abcd", "x", "a/c",
                      "a/c no", "ref.", "ref. no", "d.o.b", "d.o.b."})


def test_the_label_phrases_match_exactly():
    _matches_exactly({w for words in CATEGORIES.values() for w in words})


def test_random_word_lists_match_exactly():
    rng = random.Random(7)
    for _ in range(200):
        words = {"".join(rng.choice("ab .") for _ in range(rng.randrange(1, 6)))
                 for _ in range(rng.randrange(1, 12))}
        _matches_exactly(words)


def test_a_search_prefers_the_longest_word_at_a_position():
    pattern = re.compile(f"(?:{trie_regex(['pan', 'pan card', 'pan no'])})")
    assert pattern.match("pan card 12").group() == "pan card"
    assert pattern.match("pan number").group() == "pan"
