"""What can go wrong in speech and translation, one class per case."""


class AsrError(Exception):
    """Base of every error the speech and translation engines raise."""


class ModelUnavailable(AsrError):
    """No Whisper model can be loaded; the message says how to get one."""


class AudioError(AsrError):
    """Audio that cannot be used. The stream that received it stays usable."""


class OddByteCount(AudioError):
    """PCM16 audio must have an even number of bytes (two per sample)."""


class WrongSampleRate(AudioError):
    """Streams take 16 kHz audio; other rates must be resampled by the sender."""


class EmptyAudio(AudioError):
    """A frame or file without any samples."""


class UndecodableAudio(AudioError):
    """Bytes that no decoder recognises as audio."""


class TranslationUnavailable(AsrError):
    """No engine translates this language pair."""


class InvalidPackage(AsrError):
    """A file offered as a translation package that is not one."""


class NoRoute(TranslationUnavailable):
    """No engine, direct or through other languages, translates this pair on this server."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__(f"No translation from {source} into {target} on this server.")
        self.source = source
        self.target = target


class TranslationTimeout(TranslationUnavailable):
    """An engine took too long over a sentence: the caller shows the original."""
