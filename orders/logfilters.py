"""Keeps share-link tokens out of log lines: a token in a log is a working link."""

from __future__ import annotations

import logging
import re

_SHARE_PATH = re.compile(r"/s/[^/\s?#\"']+")


def redact_share_tokens(text: str) -> str:
    return _SHARE_PATH.sub("/s/<token>", text)


class RedactShareTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_share_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
