"""A tiny ``.argosmodel`` built at test time in the real package format: a zip holding
``metadata.json``, a SentencePiece model trained on a few sentences, and a CTranslate2
Transformer (one layer each side, random weights) written through ``ctranslate2.specs``.
It translates into gibberish: tests assert on shape and behaviour, not meaning."""

import io
import json
import re
import zipfile
from pathlib import Path

import ctranslate2.specs
import numpy as np
import numpy.typing as npt
import sentencepiece

CORPUS = [
    "Die Delegation unterstützt den Vorschlag.",
    "Wir danken dem Vorsitzenden für seine Arbeit.",
    "Der Text des Absatzes ist angenommen.",
    "Das Wort hat die Delegation von Spanien.",
]
WIDTH, FFN_WIDTH, HEADS = 16, 32, 2
EOS_BIAS = 2.0


def _tokenizer() -> bytes:
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 5),
        model_writer=model,
        vocab_size=60,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return model.getvalue()


def _shape(name: str, vocabulary: int) -> tuple[int, ...]:
    """The shape of a Transformer weight, from its name in the spec."""
    *_, block, layer, leaf = name.split("/")
    if leaf in ("gamma", "beta"):
        return (WIDTH,)
    if "embeddings" in name or "projection" in name:
        return (vocabulary, WIDTH)
    if block == "ffn":
        return (FFN_WIDTH, WIDTH) if layer == "linear_0" else (WIDTH, FFN_WIDTH)
    if block == "self_attention":
        return (3 * WIDTH, WIDTH) if layer == "linear_0" else (WIDTH, WIDTH)
    return (2 * WIDTH, WIDTH) if layer == "linear_1" else (WIDTH, WIDTH)  # cross-attention


def _set(spec: object, name: str, value: npt.NDArray[np.float32]) -> None:
    """``encoder/layer_0/ffn/linear_1/weight`` → ``spec.encoder.layer[0].ffn.linear[1].weight``."""
    *path, leaf = name.split("/")
    node = spec
    for part in path:
        indexed = re.fullmatch(r"(.+)_(\d+)", part)
        if indexed and isinstance(getattr(node, indexed[1], None), list):
            node = getattr(node, indexed[1])[int(indexed[2])]
        else:
            node = getattr(node, part)
    setattr(node, leaf, value)


def _weight(name: str, shape: tuple[int, ...], rng: np.random.Generator) -> npt.NDArray[np.float32]:
    if name.endswith("gamma"):
        return np.ones(shape, np.float32)
    if name.endswith("beta"):
        return np.zeros(shape, np.float32)
    return rng.normal(0, 0.3, shape).astype(np.float32)


def _model(directory: Path, vocabulary: list[str]) -> None:
    spec = ctranslate2.specs.TransformerSpec.from_config((1, 1), HEADS)
    rng = np.random.default_rng(0)
    for name, value in spec.variables().items():
        if value is None:
            _set(spec, name, _weight(name, _shape(name, len(vocabulary)), rng))
    # A bias towards the end of sentence: random weights would otherwise decode to the length
    # limit (256 tokens), seconds a sentence.
    bias = np.zeros(len(vocabulary), np.float32)
    bias[vocabulary.index("</s>")] = EOS_BIAS
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize()
    spec.save(str(directory))


def build_package(folder: Path, source: str, target: str) -> Path:
    """Write ``<folder>/<source>_<target>.argosmodel`` and return its path."""
    tokenizer = _tokenizer()
    vocabulary = sentencepiece.SentencePieceProcessor(model_proto=tokenizer)
    pieces = [vocabulary.id_to_piece(i) for i in range(vocabulary.get_piece_size())]
    name = f"translate-{source}_{target}-0_1"
    staging = folder / f"staging-{source}-{target}" / name
    (staging / "model").mkdir(parents=True)
    _model(staging / "model", pieces)
    (staging / "sentencepiece.model").write_bytes(tokenizer)
    metadata = {
        "package_version": "0.1",
        "argos_version": "1.9",
        "from_code": source,
        "from_name": source,
        "to_code": target,
        "to_name": target,
        "type": "translate",
    }
    (staging / "metadata.json").write_text(json.dumps(metadata))
    archive = folder / f"{source}_{target}.argosmodel"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(staging.rglob("*")):
            zipped.write(path, path.relative_to(staging.parent))
    return archive
