from __future__ import annotations

import logging

from orders.logfilters import RedactShareTokens, redact_share_tokens


def test_share_tokens_are_cut_from_paths():
    assert redact_share_tokens("Not Found: /s/AbC-123_xyz/images/i1/") == (
        "Not Found: /s/<token>/images/i1/"
    )
    assert redact_share_tokens("/orders/abc/") == "/orders/abc/"


def test_the_console_handler_never_prints_a_share_token():
    handler = logging.getHandlerByName("console")
    assert handler is not None
    assert any(isinstance(f, RedactShareTokens) for f in handler.filters)
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Gone: %s", ("/s/sekrit-token-123/",), None
    )
    assert handler.filter(record)
    assert "sekrit" not in record.getMessage()
    assert "/s/<token>/" in record.getMessage()
