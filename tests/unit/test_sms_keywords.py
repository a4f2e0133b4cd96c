from __future__ import annotations

from pathlib import Path

import pytest

from gateway.sms.keywords import KeywordError, check_keywords, load_keywords, read_keywords

ROOT = Path(__file__).resolve().parents[2]
SMS_YAML = ROOT / "menus" / "sms.yaml"

MINIMAL = """\
on_empty: help
keywords:
  help:
    word: BANTUAN
    handler: sms.help
    replies: {ok: sms.help}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(KeywordError) as caught:
        read_keywords(text, "menus/sms.yaml")
    return caught.value.problems


def test_the_shipped_keywords_are_clean() -> None:
    assert check_keywords(SMS_YAML) == []


def test_the_shipped_book_has_the_required_keywords() -> None:
    book = load_keywords(SMS_YAML)
    handlers = {k.handler for k in book.keywords}
    assert {
        "savings.balance",
        "savings.statement",
        "loans.mine",
        "loans.schedule",
        "repay.pay",
        "sms.help",
        "sms.opt_out",
        "sms.opt_in",
        "sms.language",
    } <= handlers
    opt_out = book.by_handler("sms.opt_out")
    assert opt_out is not None
    assert {"STOP", "STOPALL", "UNSUBSCRIBE", "QUIT", "UNREG", "OFF", "UNSUB"} <= set(opt_out.words)
    assert not {"CANCEL", "END", "YES"} & set(opt_out.words)  # borrowers mean other things by them
    opt_in = book.by_handler("sms.opt_in")
    assert opt_in is not None and {"START", "UNSTOP"} <= set(opt_in.words) and "YES" not in opt_in.words
    assert book.by_name("bayar").usage == "BAYAR <amount>"
    assert book.by_name("bahasa").usage == "BAHASA EN|ID"
    assert {k.name for k in book.keywords if k.requires_auth} >= {"saldo", "mutasi", "bayar"}


def test_a_minimal_book_reads() -> None:
    book = read_keywords(MINIMAL)
    assert book.on_empty.word == "BANTUAN"
    assert book.by_name("help").replies["ok"] == "sms.help"


def test_a_book_is_immutable() -> None:
    book = read_keywords(MINIMAL)
    with pytest.raises(AttributeError):
        book.keywords = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        book.by_name("help").replies["ok"] = "x"  # type: ignore[index]


def test_yaml_syntax_errors_name_the_line() -> None:
    (found,) = problems("keywords:\n  a: b\n  c: [\n")
    assert found.startswith("menus/sms.yaml:4: YAML syntax") and found.endswith(" — fix the YAML syntax")


def test_missing_keywords_mapping() -> None:
    assert problems("on_empty: help\n") == [
        "menus/sms.yaml:1: no 'keywords:' mapping — add 'keywords:' with one entry per keyword"
    ]


def test_duplicate_words_across_keywords() -> None:
    text = (
        MINIMAL
        + """\
  halt:
    word: STOP
    synonyms: [HELP]
    handler: sms.opt_out
    replies: {ok: sms.opt_out}
  stop2:
    word: STOP
    handler: sms.opt_out
    replies: {ok: sms.opt_out}
"""
    )
    found = problems(text)
    assert found == ["menus/sms.yaml:12: the word STOP is listed in 'halt' and 'stop2' — keep each word in one place"]


def test_synonym_one_typo_from_another_keyword_is_ambiguous() -> None:
    text = (
        MINIMAL
        + """\
  saldo:
    word: SALDO
    handler: savings.balance
    replies: {ok: sms.saldo.ok}
  sisa:
    word: SISA
    synonyms: [SALDOO]
    handler: savings.balance
    replies: {ok: sms.saldo.ok}
"""
    )
    found = problems(text)
    assert found == [
        "menus/sms.yaml:7: SALDO ('saldo') is one typo away from SALDOO ('sisa'), so a typo in either is ambiguous"
        " — drop or change one of the two words"
    ]


def test_short_words_may_be_one_letter_apart() -> None:
    text = (
        MINIMAL
        + """\
  off:
    word: OFF
    handler: sms.opt_out
    replies: {ok: sms.opt_out}
  oft:
    word: OFT
    handler: sms.help
    replies: {ok: sms.help}
"""
    )
    assert len(read_keywords(text).keywords) == 3


def test_unknown_arg_kind_and_missing_fields() -> None:
    text = (
        MINIMAL
        + """\
  bayar:
    word: BAYAR
    handler: repay.pay
    args:
      - {name: amount, kind: money}
    replies: {ok: sms.bayar.ok}
  broken:
    synonyms: [X Y]
    replies: {}
"""
    )
    found = problems(text)
    assert found == [
        "menus/sms.yaml:11: unknown argument kind 'money' in 'bayar' — use one of: amount, number, choice, text",
        "menus/sms.yaml:13: keyword 'broken' has no word — add word: followed by one word, e.g. SALDO",
        "menus/sms.yaml:14: a synonym of 'broken' needs one word of letters or digits, not 'X Y' — "
        "write a single word without spaces or punctuation, e.g. SALDO",
        "menus/sms.yaml:13: keyword 'broken' needs 'handler: module.function' — "
        "name the handler as in handlers.REGISTRY, e.g. savings.balance",
        "menus/sms.yaml:15: keyword 'broken' has no 'ok' reply — add ok: <locale key>",
    ]


def test_arguments_need_a_usage_reply_and_choices() -> None:
    text = (
        MINIMAL
        + """\
  bahasa:
    word: BAHASA
    handler: sms.language
    args:
      - {name: lang, kind: choice}
    replies: {ok: sms.language.changed}
"""
    )
    found = problems(text)
    assert any("needs 'choices'" in p and p.startswith("menus/sms.yaml:11:") for p in found)
    assert any("has no 'usage' reply" in p and p.startswith("menus/sms.yaml:12:") for p in found)


def test_unknown_fields_are_refused() -> None:
    found = problems(MINIMAL.replace("    handler: sms.help\n", "    handler: sms.help\n    synonym: [HELP]\n"))
    assert found == [
        "menus/sms.yaml:6: unknown field 'synonym' in keyword 'help' — "
        "use only args, exact, handler, multi_segment, open_to_all, preview, replies, requires_auth, synonyms, word"
    ]


def test_on_empty_must_name_a_keyword() -> None:
    assert problems(MINIMAL.replace("on_empty: help", "on_empty: bantuan")) == [
        "menus/sms.yaml:1: 'on_empty' names no keyword ('bantuan') — "
        "set on_empty to the id of the help keyword, e.g. bantuan"
    ]


def test_check_reports_unregistered_handlers(tmp_path: Path) -> None:
    path = tmp_path / "sms.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert check_keywords(path, known_handlers={"sms.help"}) == []
    found = check_keywords(path, known_handlers=set())
    assert len(found) == 1 and "handler 'sms.help' is not registered" in str(found[0])


def test_check_reports_a_missing_file(tmp_path: Path) -> None:
    found = check_keywords(tmp_path / "nope.yaml")
    assert len(found) == 1 and "cannot read the file" in str(found[0])


def test_categories_a_keyword_does_not_list_take_the_top_level_replies() -> None:
    book = load_keywords(SMS_YAML)
    assert dict(book.replies) == {"unknown": "sms.not_registered", "error": "sms.error"}
    pay = book.by_name("bayar")
    assert book.reply_key(pay, "insufficient") == "sms.bayar.insufficient"
    assert book.reply_key(pay, "error") == "sms.error"
    assert book.reply_key(pay, "unknown") == "sms.not_registered"
    assert book.reply_key(pay, "locked_out") is None
    own = read_keywords(MINIMAL + "replies: {ok: sms.default}\n")
    assert own.reply_key(own.by_name("help"), "ok") == "sms.help"


def test_a_malformed_top_level_replies_is_reported_at_its_line() -> None:
    (found,) = problems(MINIMAL + "replies: [sms.error]\n")
    assert found.startswith("menus/sms.yaml:7: top-level 'replies' must map result categories to locale keys")
    (found,) = problems(MINIMAL + "replies:\n  Error Case: sms.error\n")
    assert found.startswith("menus/sms.yaml:7: top-level 'replies'")


PREVIEWED = (
    MINIMAL
    + """\
  pinjam:
    word: PINJAM
    preview: loans.offer
    handler: loans.apply
    requires_auth: true
    replies: {preview: sms.pinjam.quote, ok: sms.pinjam.ok}
"""
)


def test_a_preview_handler_is_read() -> None:
    assert read_keywords(PREVIEWED).by_name("pinjam").preview == "loans.offer"
    assert read_keywords(MINIMAL).by_name("help").preview == ""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    requires_auth: true\n", "", "menus/sms.yaml:9: keyword 'pinjam': a preview comes with the one-time code"),
        ("{preview: sms.pinjam.quote, ", "{", "menus/sms.yaml:9: keyword 'pinjam': a preview comes with the one-time"),
        ("preview: loans.offer", "preview: [x]", "menus/sms.yaml:9: keyword 'pinjam': 'preview' must name a handler"),
    ],
)
def test_a_preview_needs_the_code_and_its_reply(old: str, new: str, expected: str) -> None:
    assert old in PREVIEWED
    found = problems(PREVIEWED.replace(old, new))
    assert any(p.startswith(expected) for p in found), found


def test_check_reports_an_unregistered_preview(tmp_path: Path) -> None:
    path = tmp_path / "sms.yaml"
    path.write_text(PREVIEWED, encoding="utf-8")
    found = [str(p) for p in check_keywords(path, known_handlers={"sms.help", "loans.apply"})]
    assert any("handler 'loans.offer' is not registered" in p for p in found), found


def test_open_to_all_is_for_keywords_without_a_code() -> None:
    text = (
        MINIMAL
        + """\
  pengaduan:
    word: PENGADUAN
    handler: complaints.open
    open_to_all: true
    requires_auth: true
    replies: {ok: complaints.sms.ack}
"""
    )
    assert problems(text) == [
        "menus/sms.yaml:10: keyword 'pengaduan' is open to all but requires a code — "
        "a keyword that shows money or moves it is not open_to_all"
    ]
    shipped = load_keywords(ROOT / "menus" / "sms.yaml")
    assert [k.name for k in shipped.keywords if k.open_to_all] == ["pengaduan"]
