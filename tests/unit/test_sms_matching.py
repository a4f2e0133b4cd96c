from __future__ import annotations

from pathlib import Path

import pytest

from gateway.sms.book import KeywordBook
from gateway.sms.keywords import load_keywords, read_keywords
from gateway.sms.matching import MAX_MATCH_CHARS, Ambiguous, BadArgs, Match, NoMatch, match
from gateway.sms.textmatch import osa_distance

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def book() -> KeywordBook:
    return load_keywords(ROOT / "menus" / "sms.yaml")


def matched(book: KeywordBook, body: str) -> Match:
    result = match(book, body)
    assert isinstance(result, Match), result
    return result


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("SALDO", "saldo"),
        ("saldo", "saldo"),
        ("Saldo", "saldo"),
        ("MUTASI", "mutasi"),
        ("PINJAMAN", "pinjaman"),
        ("STATUS", "pinjaman"),
        ("JADWAL", "jadwal"),
        ("BANTUAN", "bantuan"),
        ("help", "bantuan"),
        ("BERHENTI", "berhenti"),
        ("STOP", "berhenti"),
        ("stopall", "berhenti"),
        ("UNSUBSCRIBE", "berhenti"),
        ("QUIT", "berhenti"),
        ("UNREG", "berhenti"),
        ("OFF", "berhenti"),
        ("UNSUB", "berhenti"),
        ("MULAI", "mulai"),
        ("START", "mulai"),
        ("UNSTOP", "mulai"),
    ],
)
def test_exact_words_and_synonyms(book: KeywordBook, body: str, name: str) -> None:
    found = matched(book, body)
    assert found.keyword.name == name
    assert not found.corrected


@pytest.mark.parametrize("body", ["SALDOO", "sldo", "SLADO", "saldi", "SALD0"])
def test_one_typo_is_forgiven(book: KeywordBook, body: str) -> None:
    found = matched(book, body)
    assert found.keyword.name == "saldo"
    assert found.corrected


@pytest.mark.parametrize("body", ["SALDOOO", "SLDOO", "ASLOD", "xyz", "hello"])
def test_two_typos_or_nonsense_do_not_match(book: KeywordBook, body: str) -> None:
    assert isinstance(match(book, body), NoMatch)


def test_a_word_one_typo_from_two_keywords_is_ambiguous(book: KeywordBook) -> None:
    result = match(book, "PINJAMN 2000000")
    assert isinstance(result, Ambiguous)
    assert {k.name for k in result.candidates} == {"pinjaman", "pinjam"}


def test_an_exact_match_wins_over_a_near_one(book: KeywordBook) -> None:
    assert matched(book, "PINJAM 2000000 6").keyword.name == "pinjam"
    assert matched(book, "PINJAMAN").keyword.name == "pinjaman"


@pytest.mark.parametrize("body", ["ENDS", "EN", "OF", "YE", "STO", "PAYY", "BYRR"])
def test_short_words_must_be_exact(book: KeywordBook, body: str) -> None:
    assert isinstance(match(book, body), NoMatch)


@pytest.mark.parametrize(
    "body", ["  saldo  ", "SALDO.", "saldo!!", "*SALDO#", "saldo?", "SALDO 😊", "«saldo»", "ＳＡＬＤＯ"]
)
def test_spaces_punctuation_and_emoji_are_ignored(book: KeywordBook, body: str) -> None:
    assert matched(book, body).keyword.name == "saldo"


@pytest.mark.parametrize(
    ("body", "amount"),
    [
        ("BAYAR 500000", 500_000),
        ("bayar 1.500.000", 1_500_000),
        ("BAYAR Rp 1500000", 1_500_000),
        ("BAYAR Rp1.500.000", 1_500_000),
        ("BAYAR Rp. 250.000", 250_000),
        ("bayar 2jt", 2_000_000),
        ("bayar 2 jt", 2_000_000),
        ("BAYAR 500 rb", 500_000),
        ("BAYAR 1,5jt", 1_500_000),
        ("PAY   750000 ", 750_000),
    ],
)
def test_amounts(book: KeywordBook, body: str, amount: int) -> None:
    found = matched(book, body)
    assert found.keyword.name == "bayar"
    assert found.args == {"amount": amount}
    assert found.code is None
    assert found.command == f"BAYAR {amount}"


def test_a_code_after_the_arguments(book: KeywordBook) -> None:
    found = matched(book, "bayar 1.500.000 482913")
    assert found.args == {"amount": 1_500_000}
    assert found.code == "482913"
    assert matched(book, "SALDO 482913").code == "482913"
    assert matched(book, "saldo, 482913!").code == "482913"


def test_two_arguments(book: KeywordBook) -> None:
    found = matched(book, "pinjam 2jt 6")
    assert found.args == {"amount": 2_000_000, "tenor": 6}
    assert found.command == "PINJAM 2000000 6"


@pytest.mark.parametrize(
    ("body", "lang"),
    [
        ("BAHASA EN", "EN"),
        ("bahasa inggris", "EN"),
        ("BAHASA id", "ID"),
        ("language english", "EN"),
        ("BAHASA: EN", "EN"),
    ],
)
def test_choices(book: KeywordBook, body: str, lang: str) -> None:
    assert matched(book, body).args == {"lang": lang}


@pytest.mark.parametrize(
    ("body", "arg", "missing"),
    [
        ("BAYAR", "amount", True),
        ("BAYAR abc", "amount", False),
        ("BAYAR 0", "amount", False),
        ("PINJAM 2jt", "tenor", True),
        ("BAHASA FR", "lang", False),
        ("BAHASA", "lang", True),
    ],
)
def test_bad_arguments_name_the_argument(book: KeywordBook, body: str, arg: str, missing: bool) -> None:
    result = match(book, body)
    assert isinstance(result, BadArgs)
    assert (result.arg, result.missing) == (arg, missing)
    assert "usage" in result.keyword.replies


@pytest.mark.parametrize("body", ["", "   ", "?!", "😊"])
def test_an_empty_body_gets_help(book: KeywordBook, body: str) -> None:
    found = matched(book, body)
    assert found.empty and found.keyword.handler == "sms.help"


def test_only_the_first_1600_characters_are_read(book: KeywordBook) -> None:
    assert matched(book, "SALDO " + "x " * 5000).keyword.name == "saldo"
    assert isinstance(match(book, " " * MAX_MATCH_CHARS + "SALDO"), Match)  # nothing read: help
    assert match(book, " " * MAX_MATCH_CHARS + "SALDO") == match(book, "")


def test_the_fuzzy_rule_never_guesses_between_synonyms_of_one_keyword() -> None:
    book = read_keywords(
        "on_empty: a\nkeywords:\n  a:\n    word: SALDO\n    synonyms: [SALDU]\n    handler: s.b\n    replies: {ok: k}\n"
    )
    found = matched(book, "SALDA")  # one typo from both words, but they belong to one keyword
    assert found.keyword.name == "a" and found.corrected


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("SALDO", "SALDO", 0),
        ("SALDO", "SLADO", 1),
        ("SALDO", "SALDOO", 1),
        ("SALDO", "SLDO", 1),
        ("SALDO", "SALDI", 1),
        ("SALDO", "ASLOD", 2),
        ("", "AB", 2),
        ("CA", "ABC", 3),
    ],
)
def test_osa_distance(a: str, b: str, distance: int) -> None:
    assert osa_distance(a, b) == distance


def test_a_text_argument_takes_the_rest_as_typed(book: KeywordBook) -> None:
    found = matched(book, "  pengaduan   Angsuran Okt. sudah dibayar, tapi ditagih lagi!  ")
    assert found.keyword.name == "pengaduan"
    assert found.args["complaint_text"] == "Angsuran Okt. sudah dibayar, tapi ditagih lagi!"
    assert isinstance(match(book, "PENGADUAN"), BadArgs)  # no text: the usage reply
