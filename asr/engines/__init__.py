"""Speech recognisers behind the ``Transcriber`` interface."""

from ..transcriber import EngineOptions, Transcriber

ENGINES = ("faster-whisper", "openai-whisper")


def load_transcriber(options: EngineOptions | None = None) -> Transcriber:
    """Load the engine ``options.engine`` names (faster-whisper unless told otherwise). Load
    one per process and share it between streams."""
    options = options or EngineOptions()
    if options.engine == "openai-whisper":
        from .openai import OpenAIWhisperTranscriber

        return OpenAIWhisperTranscriber(options)
    if options.engine != "faster-whisper":
        raise ValueError(f"Unknown speech engine {options.engine!r}; choose from {ENGINES}.")
    from .faster import FasterWhisperTranscriber

    return FasterWhisperTranscriber(options)
