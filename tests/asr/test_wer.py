"""The word error rate the speech tests and the benchmark score with."""

from asr.wer import normalised_words, word_error_rate


def test_case_punctuation_and_small_numbers_do_not_count() -> None:
    assert normalised_words("Article 4, at 10 o'clock — and/or 21!") == [
        "article",
        "four",
        "at",
        "ten",
        "o'clock",
        "and",
        "or",
        "twenty",
        "one",
    ]
    assert (
        word_error_rate("Ask not what your country can do.", "ask NOT what your country can do")
        == 0
    )


def test_substitutions_deletions_and_insertions_count_once_each() -> None:
    reference = "the delegation supports the proposal"
    assert word_error_rate(reference, "the delegation opposes the proposal") == 1 / 5
    assert word_error_rate(reference, "the delegation supports proposal") == 1 / 5
    assert word_error_rate(reference, "the delegation fully supports the proposal") == 1 / 5
    assert word_error_rate(reference, "") == 1.0
    assert word_error_rate("", "") == 0.0
