"""One CTranslate2 Whisper model shared by threads, whose calls made at about the same time
run as one batch.

Each thread decodes as it always did (faster-whisper's own loop: encode, detect the language,
generate, align the words). A call it makes on the model waits here until every thread that
is decoding has made its call, or ``gather`` seconds have passed since the model was last
free; then the calls that can share a batch run as one: the encoder over windows of the same
length, language detection over encodings of the same length, the decoder over prompts of
the same length with the same options (CTranslate2 needs the start of the transcript at the
same position in every item), the word alignment over texts of the same length and language.
CTranslate2 computes each item of a batch on its own, so each caller gets what its call
alone would have given (tests/asr/test_batching.py); a decoder step reads the weights once
for all of them, which is most of its cost on a CPU. A decode also calls in this order:
pending calls of the earliest stage run first, so that threads behind catch up with those
ahead and their next calls share a batch.
"""

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import ctranslate2
import numpy as np
import numpy.typing as npt

Rows = npt.NDArray[np.float32]  # [items, …]: the encoder's input or output, a row per item
Key = tuple[object, ...]  # what calls must share to run in one batch; the operation first
GATHER_SECONDS = 0.03
# A decode calls these in this order. Pending calls of the earliest stage run first: the
# threads behind catch up with those ahead and their next calls share a batch. A call passed
# over this many times runs whatever its stage.
STAGES = {"encode": 0, "detect": 1, "generate": 2, "align": 3}
PASSED_OVER = 2


@dataclass(eq=False)
class _Call:
    """One call a thread made, waiting for its batch."""

    key: Key
    features: Rows
    items: list[object]  # per row: a prompt, a (text, frames) to align, or None
    arrived: float = field(default_factory=time.monotonic)
    results: list[object] = field(default_factory=list)  # per row
    error: Exception | None = None
    done: bool = False
    passed_over: int = 0


_Run = Callable[[Key, ctranslate2.StorageView, list[object]], list[object]]


class BatchingWhisper:
    """Stands in for a ``ctranslate2.models.Whisper`` (faster-whisper's ``model.model``).
    A thread that decodes says so (``with batching.decoding():``), so that calls wait for its
    own; a thread that does not is still served, after ``gather`` seconds at most."""

    def __init__(self, model: ctranslate2.models.Whisper, gather: float = GATHER_SECONDS) -> None:
        self.model = model
        self.gather = gather
        self.batches = 0  # batches run, and the calls they held (benchmarks, tests)
        self.calls = 0
        self._ready = threading.Condition()
        self._pending: list[_Call] = []
        self._decoding = 0  # threads decoding now
        self._busy = False  # a thread runs a batch
        self._free_since = time.monotonic()

    def __getattr__(self, name: str) -> object:
        return getattr(self.model, name)  # is_multilingual, n_mels, device, …

    @contextmanager
    def decoding(self) -> Iterator[None]:
        with self._ready:
            self._decoding += 1
        try:
            yield
        finally:
            with self._ready:
                self._decoding -= 1
                self._ready.notify_all()

    # The model's methods, as faster-whisper calls them --------------------------------

    def encode(
        self, features: ctranslate2.StorageView, to_cpu: bool = False
    ) -> ctranslate2.StorageView:
        rows = np.asarray(features)
        encoded = self._call(("encode", rows.shape[1:], to_cpu), rows, [None] * len(rows))
        return ctranslate2.StorageView.from_array(np.concatenate(_arrays(encoded)))

    def detect_language(self, features: ctranslate2.StorageView) -> list[list[tuple[str, float]]]:
        rows = np.asarray(features)
        ranked = self._call(("detect", rows.shape[1:]), rows, [None] * len(rows))
        return [result for result in ranked if isinstance(result, list)]

    def generate(
        self, features: ctranslate2.StorageView, prompts: Sequence[list[int]], **options: object
    ) -> list[ctranslate2.models.WhisperGenerationResult]:
        rows = np.asarray(features)
        lengths = tuple(sorted({len(prompt) for prompt in prompts}))
        key = ("generate", rows.shape[1:], lengths, _frozen(options))
        results = self._call(key, rows, [list(prompt) for prompt in prompts])
        return [r for r in results if isinstance(r, ctranslate2.models.WhisperGenerationResult)]

    def align(
        self,
        features: ctranslate2.StorageView,
        start_sequence: list[int],
        text_tokens: Sequence[list[int]],
        num_frames: int | Sequence[int],
        **options: object,
    ) -> list[object]:  # WhisperAlignmentResult (not exported by ctranslate2.models)
        rows = np.asarray(features)
        frames = [num_frames] * len(text_tokens) if isinstance(num_frames, int) else num_frames
        # Texts of different lengths would be padded, which moves the last word's time.
        lengths = tuple(sorted({len(tokens) for tokens in text_tokens}))
        key = ("align", rows.shape[1:], tuple(start_sequence), lengths, _frozen(options))
        return self._call(key, rows, list(zip(text_tokens, frames, strict=True)))

    # Batching -------------------------------------------------------------------------

    def _call(self, key: Key, features: Rows, items: list[object]) -> list[object]:
        call = _Call(key, features, items)
        with self._ready:
            self._pending.append(call)
            self._ready.notify_all()
        while not call.done:
            with self._ready:
                while not call.done and not self._may_run():
                    self._ready.wait(None if self._busy else self._gather_left())
                if call.done:
                    break
                batch, self._busy = self._next_batch(), True  # this thread runs it
            try:
                self._run_batch(batch)
            finally:
                with self._ready:
                    for left in batch:  # the batch was cut short (the thread interrupted)
                        if not left.done:
                            left.error, left.done = RuntimeError("the batch was interrupted"), True
                    self._busy = False
                    self._free_since = time.monotonic()
                    self._ready.notify_all()
        if call.error is not None:
            raise call.error
        return call.results

    def _may_run(self) -> bool:
        """Whether what is pending may run now: the model is free, and every thread decoding
        has made its call, or the others were given ``gather`` seconds to."""
        if self._busy or not self._pending:
            return False
        return len(self._pending) >= self._decoding or self._gather_left() <= 0

    def _next_batch(self) -> list[_Call]:
        """The pending calls of the earliest stage, and those passed over too often; the rest
        stay pending (their threads are ahead of the others)."""
        pending, self._pending = self._pending, []
        first = min(STAGES[str(call.key[0])] for call in pending)
        batch = []
        for call in pending:
            if STAGES[str(call.key[0])] == first or call.passed_over >= PASSED_OVER:
                batch.append(call)
            else:
                call.passed_over += 1
                self._pending.append(call)
        return batch

    def _gather_left(self) -> float:
        if not self._pending:
            return self.gather
        since = max(self._free_since, min(call.arrived for call in self._pending))
        return self.gather - (time.monotonic() - since)

    def _run_batch(self, batch: list[_Call]) -> None:
        groups: dict[Key, list[_Call]] = {}
        for call in batch:
            groups.setdefault(call.key, []).append(call)
        for calls in groups.values():
            try:
                self._run_group(calls)
            except Exception:  # one bad call fails alone
                for call in calls:
                    try:
                        self._run_group([call])
                    except Exception as exc:
                        call.error = exc
            with self._ready:
                for call in calls:
                    call.done = True
                self._ready.notify_all()

    def _run_group(self, calls: list[_Call]) -> None:
        features = np.concatenate([call.features for call in calls])
        items = [item for call in calls for item in call.items]
        run = self._runner(calls[0].key)
        results = run(calls[0].key, ctranslate2.StorageView.from_array(features), items)
        self.batches += 1
        self.calls += len(calls)
        start = 0
        for call in calls:
            call.results = results[start : start + len(call.items)]
            start += len(call.items)

    def _runner(self, key: Key) -> _Run:
        runners: dict[object, _Run] = {
            "encode": self._encode,
            "detect": self._detect,
            "generate": self._generate,
            "align": self._align,
        }
        return runners[key[0]]

    # What a group runs: a result per item ---------------------------------------------

    def _encode(
        self, key: Key, features: ctranslate2.StorageView, items: list[object]
    ) -> list[object]:
        # To split the batch between its callers, its output comes to the host.
        encoded = np.asarray(self.model.encode(features, to_cpu=self.model.device != "cpu"))
        return [encoded[row : row + 1] for row in range(len(items))]

    def _detect(
        self, key: Key, features: ctranslate2.StorageView, items: list[object]
    ) -> list[object]:
        return list(self.model.detect_language(features))

    def _generate(
        self, key: Key, features: ctranslate2.StorageView, items: list[object]
    ) -> list[object]:
        prompts = [item for item in items if isinstance(item, list)]
        return list(self.model.generate(features, prompts, **_thawed(key[-1])))

    def _align(
        self, key: Key, features: ctranslate2.StorageView, items: list[object]
    ) -> list[object]:
        pairs = [item for item in items if isinstance(item, tuple)]
        start_sequence = key[2] if isinstance(key[2], tuple) else ()
        return list(
            self.model.align(
                features,
                list(start_sequence),
                [list(tokens) for tokens, _ in pairs],
                [int(frames) for _, frames in pairs],
                **_thawed(key[-1]),
            )
        )


def _frozen(options: dict[str, object]) -> tuple[tuple[str, object], ...]:
    """Keyword arguments as part of a key (lists become tuples)."""
    return tuple(
        sorted(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in options.items()
        )
    )


def _thawed(frozen: object) -> dict[str, object]:
    pairs = frozen if isinstance(frozen, tuple) else ()
    return {str(name): list(value) if isinstance(value, tuple) else value for name, value in pairs}


def _arrays(results: list[object]) -> list[Rows]:
    return [result for result in results if isinstance(result, np.ndarray)]
