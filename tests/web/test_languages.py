"""The interface in the six UN languages: the login page in each, the language a participant
chooses (their own setting, kept across browsers), the browser's by default, the JavaScript
catalog, and catalogs that translate every string with its placeholders intact."""

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from server.accounts.language import interface_language_of
from server.conferences.models import Meeting, Participant

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = ("ar", "zh_Hans", "fr", "ru", "es")

# The login page's words in each language, as a delegate reads them.
LOGIN = {
    "ar": ("rtl", "تسجيل الدخول", "اسم المستخدم", "كلمة المرور"),
    "zh-hans": ("ltr", "登录", "用户名", "密码"),
    "en": ("ltr", "Log in", "Username", "Password"),
    "fr": ("ltr", "Se connecter", "Nom d'utilisateur", "Mot de passe"),
    "ru": ("ltr", "Войти", "Имя пользователя", "Пароль"),
    "es": ("ltr", "Iniciar sesión", "Nombre de usuario", "Contraseña"),
}


@pytest.mark.parametrize("language", list(LOGIN))
def test_the_login_page_is_in_the_browsers_language(language: str) -> None:
    direction, button, username, password = LOGIN[language]
    page = Client(HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5").get("/login/")
    html = page.content.decode()
    assert page["Content-Language"] == language
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f'<button type="submit" class="primary">{button}</button>' in html
    assert f'<label for="id_username">{username}</label>' in html.replace("&#x27;", "'")
    assert f'<label for="id_password">{password}</label>' in html
    # The choice of language on the login page: each language named in itself.
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in html and name in html


def test_a_regional_browser_language_gets_its_language() -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").get("/login/").content.decode()
    assert '<html lang="zh-hans" dir="ltr">' in html
    html = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").get("/login/").content.decode()
    assert '<html lang="en" dir="ltr">' in html  # not one of the six: English


@pytest.mark.django_db
def test_the_language_chosen_on_the_login_page_becomes_the_participants_own(
    plenary: Meeting,
) -> None:
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    chosen = browser.post("/language/", {"language": "ar", "next": "/login/"})
    assert chosen.status_code == 302 and chosen["Location"] == "/login/"
    assert '<html lang="ar" dir="rtl">' in browser.get("/login/").content.decode()
    browser.post("/login/", {"username": "kenya", "password": "plenary-demo"})
    kenya = get_user_model().objects.get(username="kenya")
    assert interface_language_of(kenya) == "ar"

    # Another browser, which prefers French: the participant's own setting wins.
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="fr")
    elsewhere.post("/login/", {"username": "kenya", "password": "plenary-demo"})
    page = elsewhere.get(f"/meetings/{plenary.pk}/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page and "قائمة المتكلمين" in page  # speakers' list


@pytest.mark.django_db
def test_a_participant_changes_their_language_from_any_page(
    plenary: Meeting, person: Callable[[str], Participant]
) -> None:
    captions_before = person("spain").preferred_language
    spain = Client(HTTP_ACCEPT_LANGUAGE="es")
    spain.force_login(get_user_model().objects.get(username="spain"))
    assert "Lista de oradores" in spain.get(f"/meetings/{plenary.pk}/").content.decode()
    room = f"/meetings/{plenary.pk}/"
    assert spain.post("/language/", {"language": "ru", "next": room})["Location"] == room
    assert interface_language_of(get_user_model().objects.get(username="spain")) == "ru"
    page = spain.get(room).content.decode()
    assert '<html lang="ru" dir="ltr">' in page and "Список ораторов" in page
    # Their caption language is another setting, untouched.
    assert person("spain").preferred_language == captions_before


@pytest.mark.django_db
def test_the_language_control_refuses_what_is_not_a_language_or_a_page_here() -> None:
    browser = Client()
    assert browser.post("/language/", {"language": "de"}).status_code == 400
    assert browser.post("/language/", {"language": "<script>"}).status_code == 400
    assert browser.get("/language/").status_code == 405
    away = browser.post("/language/", {"language": "fr", "next": "https://example.org/"})
    assert away.status_code == 302 and away["Location"] == "/"


def test_the_javascript_catalog_is_a_script_file_in_the_pages_language() -> None:
    reply = Client(HTTP_ACCEPT_LANGUAGE="ar").get("/jsi18n/")
    assert reply.status_code == 200 and "javascript" in reply["Content-Type"]
    body = reply.content.decode()
    assert json.dumps("لا أحد يملك الكلمة.") in body  # "Nobody has the floor."
    login = Client(HTTP_ACCEPT_LANGUAGE="ar").get("/login/").content.decode()
    assert '<script src="/jsi18n/"></script>' in login


def _entries(path: Path) -> list[tuple[str, list[str]]]:
    """(msgid, its translations) for each entry of a catalog, the header left out."""
    text = path.read_text()
    found = []
    for block in text.split("\n\n")[1:]:
        strings: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line):
                key = match[1]
                strings[key] = match[2]
            elif line.startswith('"') and key:
                strings[key] += line[1:-1]
        if "msgid" in strings:
            found.append(
                (strings["msgid"], [v for k, v in strings.items() if k.startswith("msgstr")])
            )
    return found


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_string_is_translated_with_its_placeholders(language: str, domain: str) -> None:
    catalog = ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
    entries = _entries(catalog)
    assert len(entries) > 100
    # A fuzzy entry is left out of the compiled catalog: doubtful ones say "# review" instead.
    assert "#, fuzzy" not in catalog.read_text()
    # %(name)s, {name}, and {name!r} or {name:.0f} (error messages format their holes so)
    holes = re.compile(r"%\(\w+\)s|\{\w+(?:![rsa])?(?::[^{}]*)?\}")
    for msgid, translations in entries:
        assert all(translations), f"{language} {domain}: untranslated {msgid!r}"
        for translated in translations:
            assert set(holes.findall(translated)) == set(holes.findall(msgid)), (
                f"{language} {domain}: placeholders differ in {msgid!r} → {translated!r}"
            )
