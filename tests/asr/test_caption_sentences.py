"""Final captions grouped into whole sentences: at end punctuation (not after "Mr."), at a
pause of 0.7 s, at a change of language, at the length cap."""

from asr import Caption, CaptionKind, SentenceGrouper, SentenceOptions, Word, sentences_of


def final(*words: tuple[float, str], language: str = "en") -> Caption:
    timed = tuple(Word(start, start + 0.3, f" {text}") for start, text in words)
    return Caption(
        kind=CaptionKind.FINAL,
        text="".join(w.text for w in timed).strip(),
        language=language,
        start=timed[0].start,
        end=timed[-1].end,
        words=timed,
    )


def test_fragments_grow_one_sentence_until_it_ends() -> None:
    grouper = SentenceGrouper()
    assert grouper.add(final((0.0, "Thank"), (0.3, "you,"), (0.6, "Mr."))) == []
    assert grouper.add(final((0.9, "Chair."), (1.2, "My"), (1.5, "delegation"))) == [
        final((0.0, "Thank"), (0.3, "you,"), (0.6, "Mr."), (0.9, "Chair."))
    ]
    pending = grouper.pending
    assert pending is not None and pending.text == "My delegation"
    assert grouper.add(final((1.8, "agrees."))) == [
        final((1.2, "My"), (1.5, "delegation"), (1.8, "agrees."))
    ]
    assert grouper.pending is None


def test_a_pause_ends_a_sentence_between_words_or_after_the_last() -> None:
    grouper = SentenceGrouper()
    (first,) = grouper.add(final((0.0, "We"), (0.3, "agree"), (1.4, "and"), (1.7, "thank")))
    assert first.text == "We agree"  # 0.8 s between "agree" and "and"
    assert grouper.heard_until(2.3) == []  # 0.3 s after "thank" ended
    (second,) = grouper.heard_until(2.7)
    assert second.text == "and thank" and grouper.pending is None


def test_a_change_of_language_or_the_cap_ends_a_sentence() -> None:
    grouper = SentenceGrouper(SentenceOptions(max_words=3))
    assert grouper.add(final((0.0, "Thank"), (0.3, "you"))) == []
    (english,) = grouper.add(final((0.6, "Gracias"), language="es"))
    assert (english.text, english.language) == ("Thank you", "en")
    (capped,) = grouper.add(final((0.9, "señora"), (1.2, "Presidenta"), language="es"))
    assert (capped.text, capped.language) == ("Gracias señora Presidenta", "es")


def test_a_whole_stream_reads_as_its_sentences() -> None:
    finals = [final((0.0, "Thank"), (0.3, "you.")), final((0.6, "We")), final((0.9, "agree"))]
    assert [s.text for s in sentences_of(finals)] == ["Thank you.", "We agree"]
