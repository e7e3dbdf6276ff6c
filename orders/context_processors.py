from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def upstream(request: HttpRequest) -> dict[str, object]:
    return {"demo_mode": settings.AUTOENHANCE_DEMO_MODE}
