"""Apertium (Debian's ``apertium`` with language pairs such as ``apertium-eng-spa``): rule-based,
fast, fully offline.

Each mode (``eng-spa``, ``es-fr`` …) runs as one long-lived pipeline of its stages in null-flush
mode (``-z``), started on first use: a sentence goes in escaped as ``apertium-destxt`` would,
followed by an empty superblank, a blank and a NUL byte; its translation is read up to the NUL
that comes back. The ``apertium`` wrapper itself cannot do this (its gawk filter holds records
until end of input, and the deformatters have no null flush), so the stages are taken from the
mode file through ``apertium-wblank-mode -z``. A pipeline whose process died is started again;
one that takes longer than ``timeout`` is killed and the sentence reported as timed out.
"""

import os
import re
import select
import shlex
import shutil
import subprocess
import threading
import time
from pathlib import Path

from ..errors import TranslationTimeout, TranslationUnavailable
from .base import Pair

MODES = Path("/usr/share/apertium/modes")
# Apertium names languages with ISO 639-3 codes in newer pairs and ISO 639-1 in older ones.
ISO3 = {
    "en": "eng",
    "es": "spa",
    "fr": "fra",
    "de": "deu",
    "pt": "por",
    "it": "ita",
    "ca": "cat",
    "ro": "ron",
    "gl": "glg",
    "oc": "oci",
}
ISO1 = {three: one for one, three in ISO3.items()}
TIMEOUT = 5.0  # seconds one sentence may take in one pipeline
SPECIAL = frozenset("[]\\^$/<>@{}")
END = "[] \0"  # an empty superblank and a blank: lt-proc flushes the last word before the NUL
SUPERBLANK = re.compile(r"\\(.)|\[((?:\\.|[^\]\\])*)\]", re.DOTALL)


def escape(text: str) -> str:
    """The text as ``apertium-destxt`` would hand it on: format characters escaped, ``~`` (a
    stream marker) inside a superblank, no NUL byte."""
    out = []
    for char in text.replace("\0", " "):
        if char in SPECIAL:
            out.append("\\" + char)
        elif char == "~":
            out.append("[~]")
        else:
            out.append(char)
    return "".join(out)


def unescape(text: str) -> str:
    """The pipeline's output as plain text: escapes undone, superblanks replaced by their
    (unescaped) content."""

    def plain(match: re.Match[str]) -> str:
        if match[1] is not None:
            return match[1]
        return re.sub(r"\\(.)", r"\1", match[2])

    return SUPERBLANK.sub(plain, text)


def _code(name: str) -> str | None:
    """``eng`` → ``en``, ``es`` → ``es``; None for variants (``eng_US``) and unknown codes."""
    if name in ISO1:
        return ISO1[name]
    return name if re.fullmatch(r"[a-z]{2}", name) else None


def installed_modes(modes: Path = MODES) -> dict[Pair, Path]:
    """Each installed pair and its mode file (``es-fr.mode`` → ("es", "fr"))."""
    found: dict[Pair, Path] = {}
    for mode in sorted(modes.glob("*.mode")) if modes.is_dir() else []:
        names = mode.stem.split("-")
        if len(names) != 2:
            continue  # eco-es-fr and other named variants
        source, target = _code(names[0]), _code(names[1])
        if source and target:
            found.setdefault((source, target), mode)
    return found


def pipeline_stages(mode: Path) -> list[list[str]]:
    """The mode's stages in null-flush form, each an argument list; ``$1`` (the generator's
    option) is ``-n`` (unknown words unmarked, as ``apertium -u``), ``$2`` (the tagger's
    option) is left out."""
    wblank = shutil.which("apertium-wblank-mode")
    if wblank is None:
        raise TranslationUnavailable("apertium-wblank-mode is missing (apt-get install apertium).")
    command = subprocess.run(
        [wblank, "-z", str(mode)], capture_output=True, text=True, timeout=TIMEOUT, check=True
    ).stdout
    lexer = shlex.shlex(command, posix=True, punctuation_chars="|")
    lexer.whitespace_split = True
    stages: list[list[str]] = [[]]
    for token in lexer:
        if token == "|":
            stages.append([])
        elif token == "$1":
            stages[-1].append("-n")
        elif token != "$2":
            stages[-1].append(token)
    for stage in stages:
        if shutil.which(stage[0]) is None:
            raise TranslationUnavailable(f"Apertium {mode.stem} needs {stage[0]}, not installed.")
    return stages


class ApertiumPipeline:
    """One mode's stages as long-lived processes. Safe to share between threads: a sentence
    at a time goes through."""

    def __init__(self, mode: Path, timeout: float = TIMEOUT) -> None:
        self.mode = mode
        self.timeout = timeout
        self.stages = pipeline_stages(mode)
        self._processes: list[subprocess.Popen[bytes]] = []
        self._lock = threading.Lock()

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._processes]

    def _start(self) -> None:
        processes: list[subprocess.Popen[bytes]] = []
        for stage in self.stages:
            previous = processes[-1].stdout if processes else None
            processes.append(
                subprocess.Popen(
                    stage,
                    stdin=subprocess.PIPE if previous is None else previous,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            )
            if previous is not None:
                previous.close()  # the next stage holds it now
        self._processes = processes

    def _alive(self) -> bool:
        return bool(self._processes) and all(p.poll() is None for p in self._processes)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        for process in self._processes:
            process.kill()
        for process in self._processes:
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
            process.wait()
        self._processes = []

    def translate(self, text: str) -> str:
        """Translate one sentence: starts the pipeline if it is not running, and once more if
        it dies under this sentence."""
        request = (escape(text) + END).encode()
        with self._lock:
            try:
                return self._attempt(request)
            except BrokenPipeError:
                self._stop()  # it died: once more, on a fresh pipeline
            try:
                return self._attempt(request)
            except BrokenPipeError:
                self._stop()
                raise TranslationUnavailable(
                    f"Apertium {self.mode.stem} stopped twice on one sentence."
                ) from None

    def _attempt(self, request: bytes) -> str:
        if not self._alive():
            self._stop()
            self._start()
        answer = self._exchange(request)
        if not self._alive():  # a stage that died flushes the next ones: not an answer
            raise BrokenPipeError(f"A stage of Apertium {self.mode.stem} died.")
        return unescape(answer).strip()

    def _exchange(self, request: bytes) -> str:
        """Write the request and read up to the NUL, both within the deadline."""
        stdin, stdout = self._processes[0].stdin, self._processes[-1].stdout
        assert stdin is not None and stdout is not None
        deadline = time.monotonic() + self.timeout
        pending, received = request, b""
        os.set_blocking(stdin.fileno(), False)
        while not received.endswith(b"\0"):
            left = deadline - time.monotonic()
            readable, writable, _ = select.select(
                [stdout], [stdin] if pending else [], [], max(left, 0)
            )
            if not readable and not writable:
                self._stop()
                raise TranslationTimeout(
                    f"Apertium {self.mode.stem} took more than {self.timeout:g} s."
                )
            if writable:
                pending = pending[os.write(stdin.fileno(), pending) :]
            if readable:
                chunk = os.read(stdout.fileno(), 65536)
                if not chunk:
                    raise BrokenPipeError(f"Apertium {self.mode.stem} ended its output.")
                received += chunk
        text = received[:-1].decode("utf-8", errors="replace")
        return text.removesuffix("[] ").removesuffix("[]")


class ApertiumTranslator:
    name = "apertium"

    def __init__(self, modes: Path = MODES, *, timeout: float = TIMEOUT) -> None:
        self.modes = modes
        self.timeout = timeout
        self._modes: dict[Pair, Path] | None = None
        self._pipelines: dict[Pair, ApertiumPipeline] = {}
        self._lock = threading.Lock()

    def pairs(self) -> set[Pair]:
        """The installed pairs (the mode files), read once."""
        with self._lock:
            if self._modes is None:
                self._modes = installed_modes(self.modes) if shutil.which("lt-proc") else {}
            return set(self._modes)

    def pipeline(self, source: str, target: str) -> ApertiumPipeline:
        if (source, target) not in self.pairs():
            raise TranslationUnavailable(f"Apertium has no {source}→{target} pair installed.")
        with self._lock:
            assert self._modes is not None
            if (source, target) not in self._pipelines:
                self._pipelines[(source, target)] = ApertiumPipeline(
                    self._modes[(source, target)], self.timeout
                )
            return self._pipelines[(source, target)]

    def translate(self, text: str, source: str, target: str) -> str:
        return self.pipeline(source, target).translate(text)

    def close(self) -> None:
        with self._lock:
            pipelines, self._pipelines = list(self._pipelines.values()), {}
        for pipeline in pipelines:
            pipeline.close()
