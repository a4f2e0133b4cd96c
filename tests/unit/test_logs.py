from __future__ import annotations

import logging

from gateway.logs import FORMAT, MaskingFormatter


def test_phone_numbers_are_masked_in_messages_and_tracebacks() -> None:
    try:
        raise RuntimeError("INSERT ... parameters ('+6281220150101',)")
    except RuntimeError:
        record = logging.LogRecord(
            "t",
            logging.ERROR,
            __file__,
            1,
            "hop for %s failed",
            ("081220150101",),
            exc_info=__import__("sys").exc_info(),
        )
    text = MaskingFormatter(FORMAT).format(record)
    assert "081220150101" not in text and "6281220150101" not in text
    assert "0812****0101" in text and "+62812****0101" in text
