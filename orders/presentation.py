"""How API values read to a person: labels, chips, summaries.

Unknown values show as themselves, so a new option upstream never breaks a page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from orders.client import Image, Order

STATUS_LABELS = {
    "processed": "Processed",
    "processing": "Processing",
    "waiting": "Waiting",
    "error": "Error",
    "merging": "Merging",
}
# The order statuses are listed most-advanced first in summaries.
_SUMMARY_ORDER = ("processed", "processing", "waiting", "error")

ENHANCE_TYPES = {
    "property": "Property",
    "property_usa": "Property (USA)",
    "warm": "Warm",
    "neutral": "Neutral",
    "modern": "Modern",
    "authentic": "Authentic",
}
AI_VERSIONS = {"latest": "Latest", "stable": "Stable", "beta": "Beta"}
CLOUD_TYPES = {"CLEAR": "Clear sky", "LOW_CLOUD": "Low cloud", "HIGH_CLOUD": "High cloud"}
WINDOW_PULL_TYPES = {
    "NONE": "None",
    "ONLY_WINDOWS": "Windows only",
    "WINDOWS_WITH_SKIES": "Windows with skies",
}
FINETUNE_LEVELS = {"NONE": "None", "LOW": "Low", "MEDIUM": "Medium", "HIGH": "High"}


def _lookup(table: dict[str, str], value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return table.get(value) or table.get(value.lower()) or table.get(value.upper()) or value


def status_label(status: str | None) -> str:
    if not status:
        return "Unknown"
    return STATUS_LABELS.get(status.lower(), humanize(status))


def status_key(status: str | None) -> str:
    """A CSS-safe key for known statuses; anything else looks neutral."""
    key = (status or "").lower()
    return key if key in STATUS_LABELS else "unknown"


_ACRONYMS = {"ai", "gps", "hdr", "id", "iso", "exif", "url", "uuid", "dpi", "ev"}


def humanize(key: object) -> str:
    """snake_case or kebab-case keys as words: "shutter_speed" reads "Shutter speed"."""
    words = str(key).replace("_", " ").replace("-", " ").split()
    if not words:
        return str(key)
    words = [w.upper() if w.lower() in _ACRONYMS else w for w in words]
    first = words[0]
    words[0] = first[:1].upper() + first[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Chip:
    label: str
    value: str | None = None
    off: bool = False


def enhancement_chips(image: Image) -> list[Chip]:
    if image.enhance is False:
        chips = [Chip("Enhancement off", off=True)]
    else:
        chips = []
        if style := _lookup(ENHANCE_TYPES, image.enhance_type):
            chips.append(Chip("Style", style))
        if version := _lookup(AI_VERSIONS, image.ai_version):
            chips.append(Chip("AI", version))
        if image.sky_replacement:
            chips.append(Chip("Sky replacement", _lookup(CLOUD_TYPES, image.cloud_type)))
        if image.vertical_correction:
            chips.append(Chip("Vertical correction"))
        if image.lens_correction:
            chips.append(Chip("Lens correction"))
        window_style = _lookup(WINDOW_PULL_TYPES, image.window_pull_type)
        if image.window_pull or (window_style and image.window_pull_type != "NONE"):
            chips.append(Chip("Window pull", window_style if window_style != "None" else None))
        if image.upscale:
            chips.append(Chip("Upscale"))
        if image.privacy:
            chips.append(Chip("Privacy blur"))
    if image.downloaded:
        chips.append(Chip("Downloaded"))
    return chips


def option_rows(image: Image) -> list[tuple[str, str]]:
    """Every enhancement option, set or not, for the image page."""

    def yes_no(value: bool | None) -> str:
        return "—" if value is None else ("Yes" if value else "No")

    return [
        ("Enhance", yes_no(image.enhance)),
        ("Style", _lookup(ENHANCE_TYPES, image.enhance_type) or "—"),
        ("AI version", _lookup(AI_VERSIONS, image.ai_version) or "—"),
        ("Sky replacement", yes_no(image.sky_replacement)),
        ("Cloud type", _lookup(CLOUD_TYPES, image.cloud_type) or "—"),
        ("Vertical correction", yes_no(image.vertical_correction)),
        ("Lens correction", yes_no(image.lens_correction)),
        ("Window pull", yes_no(image.window_pull)),
        ("Window pull style", _lookup(WINDOW_PULL_TYPES, image.window_pull_type) or "—"),
        ("Upscale", yes_no(image.upscale)),
        ("Privacy blur", yes_no(image.privacy)),
        ("Downloaded", yes_no(image.downloaded)),
    ]


def finetune_rows(image: Image) -> list[tuple[str, object]]:
    settings = image.finetune_settings or {}
    return [
        (humanize(key), _lookup(FINETUNE_LEVELS, value) if isinstance(value, str) else value)
        for key, value in settings.items()
    ]


def scene_label(scene: str | None) -> str | None:
    return humanize(scene) if scene else None


def status_summary(images: Iterable[Image]) -> list[tuple[str, str]]:
    """(key, text) per status, e.g. 41 processed · 3 processing · 1 error."""
    counts = Counter((image.status or "unknown").lower() for image in images)
    known = [s for s in _SUMMARY_ORDER if counts.get(s)]
    others = sorted(s for s in counts if s not in _SUMMARY_ORDER)
    return [(status_key(s), _counted(status_label(s).lower(), counts[s])) for s in known + others]


def _counted(label: str, count: int) -> str:
    # "3 processing" and "41 processed" read fine; only the noun takes a plural.
    return f"{count} {label}s" if label == "error" and count != 1 else f"{count} {label}"


def order_name(order: Order) -> str:
    return order.name.strip() if order.name and order.name.strip() else "Untitled order"


PENDING_STATUSES = frozenset({"processing", "waiting"})
