"""Argos Translate (OpenNMT models run by CTranslate2), fully offline.

Packages are ``.argosmodel`` files installed from disk into ``<data dir>/argos/packages``;
nothing is ever downloaded. argostranslate reads its package directory from the environment
once, when first imported, so the first ``ArgosTranslator`` of a process fixes it. Sentences
are split by our own rules: argostranslate's splitters fetch a model on first use.
"""

import json
import os
import threading
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Protocol

import ctranslate2

from ..errors import InvalidPackage, TranslationUnavailable
from ..models import data_dir
from .base import Pair
from .sentences import split_sentences


def argos_packages_dir() -> Path:
    return data_dir() / "argos" / "packages"


class ArgosPackage(Protocol):
    """What we use of an installed ``argostranslate.package.Package``."""

    package_path: Path
    from_code: str
    to_code: str
    type: str


class RuleSentencizer:
    """argostranslate's sentence-splitter interface over our rule-based splitter."""

    def split_sentences(self, text: str) -> list[str]:
        return split_sentences(text)


def _argos(packages_dir: Path) -> ModuleType:
    """argostranslate.package, its package directory set to ``packages_dir``."""
    packages_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(packages_dir))
    import argostranslate.package
    import argostranslate.settings

    configured = Path(argostranslate.settings.package_data_dir)
    if configured.resolve() != packages_dir.resolve():
        raise TranslationUnavailable(
            f"argostranslate keeps its packages in {configured}, not {packages_dir}: one "
            "package directory per process (ARGOS_PACKAGES_DIR)."
        )
    package: ModuleType = argostranslate.package
    return package


class ArgosTranslator:
    name = "argos"

    def __init__(self, packages_dir: Path | None = None, *, threads: int = 0) -> None:
        self.packages_dir = packages_dir or argos_packages_dir()
        self.threads = threads
        self._models: dict[Pair, ctranslate2.Translator] = {}
        self._installed: dict[Pair, ArgosPackage] | None = None
        self._lock = threading.Lock()

    def _packages(self) -> dict[Pair, ArgosPackage]:
        """The installed translation packages, read once (and again after ``install``)."""
        with self._lock:
            if self._installed is None:
                found = _argos(self.packages_dir).get_installed_packages([self.packages_dir])
                self._installed = {(p.from_code, p.to_code): p for p in found}
            return {pair: p for pair, p in self._installed.items() if p.type == "translate"}

    def pairs(self) -> set[Pair]:
        if not self.packages_dir.is_dir():
            return set()
        return set(self._packages())

    def install(self, archive: Path) -> Pair:
        """Install a ``.argosmodel`` file (a zip holding ``<name>/metadata.json``, the
        CTranslate2 ``model/`` and a tokenizer) and return its language pair."""
        pair = _package_pair(archive)
        _argos(self.packages_dir).install_from_path(archive)
        with self._lock:
            self._models.pop(pair, None)
            self._installed = None
        return pair

    def translate(self, text: str, source: str, target: str) -> str:
        package = self._packages().get((source, target))
        if package is None:
            raise TranslationUnavailable(f"No Argos package translates {source}→{target}.")
        from argostranslate.translate import apply_packaged_translation

        hypotheses = apply_packaged_translation(
            package, text, self._model((source, target), package), RuleSentencizer(), 1
        )
        return str(hypotheses[0].value)

    def _model(self, pair: Pair, package: ArgosPackage) -> ctranslate2.Translator:
        with self._lock:
            if pair not in self._models:
                self._models[pair] = ctranslate2.Translator(
                    str(Path(package.package_path) / "model"),
                    device="cpu",
                    compute_type="int8",
                    intra_threads=self.threads,
                )
            return self._models[pair]


def _package_pair(archive: Path) -> Pair:
    """The pair a package translates, read from its ``metadata.json``; refuses anything that
    is not a translation package."""
    if not zipfile.is_zipfile(archive):
        raise InvalidPackage(f"{archive} is not an Argos package (a .argosmodel zip archive).")
    with zipfile.ZipFile(archive) as zipped:
        names = [n for n in zipped.namelist() if n.count("/") == 1 and n.endswith("/metadata.json")]
        if len(names) != 1:
            raise InvalidPackage(f"{archive} holds no <package>/metadata.json.")
        metadata = json.loads(zipped.read(names[0]))
        folder = names[0].split("/")[0]
        if f"{folder}/model/model.bin" not in zipped.namelist():
            raise InvalidPackage(f"{archive} holds no CTranslate2 model ({folder}/model/).")
    if metadata.get("type", "translate") != "translate" or not (
        metadata.get("from_code") and metadata.get("to_code")
    ):
        raise InvalidPackage(f"{archive} is not a translation package.")
    return str(metadata["from_code"]), str(metadata["to_code"])
