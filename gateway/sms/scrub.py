"""Keep PINs and one-time codes out of the message log."""

from __future__ import annotations

from gateway.sms.book import KeywordBook
from gateway.sms.matching import CODE_PATTERN, Match, analyse
from gateway.sms.textmatch import tokenize

MASK = "******"


def scrub(body: str, book: KeywordBook) -> str:
    """The body with every PIN- or code-like token (4 to 8 digits standing alone) replaced by `******`.

    Only digits the matched keyword consumed as arguments (`BAYAR 500000`) stay. Everything else that
    looks like a code goes, whether or not the message matched, because customers type their PIN into
    anything: a bare `482913`, `SLADOO 482913`, `BANTUAN 1234`.
    """
    result, analysed, consumed = analyse(book, body)
    kept = {(analysed[i].start, analysed[i].end) for i in consumed}
    if isinstance(result, Match) and not result.empty:
        kept.add((analysed[0].start, analysed[0].end))
    pieces: list[str] = []
    cursor = 0
    for token in tokenize(body):
        if CODE_PATTERN.match(token.text) and (token.start, token.end) not in kept:
            pieces += [body[cursor : token.start], MASK]
            cursor = token.end
    pieces.append(body[cursor:])
    return "".join(pieces)
