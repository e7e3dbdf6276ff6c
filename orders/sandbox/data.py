"""Deterministic demo data for the sandbox: an account's worth of orders.

Every order is drawn from its own ``random.Random(f"{seed}:{index}")`` so one
order's data never shifts when another's generator changes. Index 0 is the
newest order. A few indexes are pinned to the awkward cases real accounts hold
(hostile markup, huge orders, custom ids, missing fields, ...) so the
dashboard meets them on its first page and in every test.
"""

from __future__ import annotations

import functools
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

T = TypeVar("T")

ORDER_COUNT = 340
HISTORY_DAYS = 548  # about 18 months

ORDER_STATUSES = ("waiting", "processing", "processed", "error")
ENHANCE_TYPES = ("property", "property_usa", "warm", "neutral", "modern", "authentic")
AI_VERSIONS = ("5.x", "4.7", "3.x", "latest", "stable", "beta")
CLOUD_TYPES = ("CLEAR", "LOW_CLOUD", "HIGH_CLOUD")
WINDOW_PULL_TYPES = ("NONE", "ONLY_WINDOWS", "WINDOWS_WITH_SKIES")
FINETUNE_LEVELS = ("NONE", "LOW", "MEDIUM", "HIGH")
SCENES = (
    "kitchen", "living_room", "bedroom", "bathroom", "garden", "facade",
    "pool", "dining_room", "hallway", "office", None,
)  # fmt: skip
OUTDOOR_SCENES = frozenset({"garden", "facade", "pool", None})

# Errors caused by the upload itself leave nothing to preview; errors during
# enhancement still have the uploaded image to show.
UPLOAD_ERRORS = (
    "Image too small: 640×480, minimum 1024×768",
    "Unsupported file type: HEIC",
    "Upload incomplete",
    "File is corrupt or truncated",
)
ENHANCE_ERRORS = (
    "Enhancement failed: sky replacement timed out",
    "Bracket merge failed: exposures are misaligned",
    "Image rejected: no property detected",
)
STRUCTURED_ERROR = {"code": "E_DECODE", "message": "Could not decode RAW file", "retryable": False}

HOSTILE_NAMES = (
    "<script>alert('x')</script> Loft",
    "<img src=x onerror=alert(1)> Studio",
)
LONG_NAME = (
    "Grand Meadow Estate — full marketing shoot for the main house, the coach house, "
    "the walled kitchen garden, the orangery, the stables, the tennis court, the "
    "lake frontage and the two estate cottages (lots 1–7), agent: Lime Tree Homes, "
    "vendor viewing notes to follow"
)

# Pinned orders by index (0 = newest). Anything not listed here is generated.
QUOTED, EMOJI, LONG = 6, 8, 12
LIVE_INDEXES = (0, 2, 4)
LIVE_IMAGE_COUNTS = {0: 12, 2: 24, 4: 8}
NAMES: dict[int, str | None] = {
    0: "Riverside Lofts, Unit 12",
    1: HOSTILE_NAMES[0],
    2: "7 Maple Court, Cambridge",
    3: HOSTILE_NAMES[1],
    4: "Harbour View Apartment 3B — relist",
    5: "New listing (photos to follow)",
    QUOTED: '"The \'Old\' Mill" — "best" shots',
    EMOJI: "🏡 Sunny Cottage ☀️ — garden views 🌷",
    9: None,
    LONG: LONG_NAME,
    14: "Penthouse & roof terrace <b>NEW</b>, Canary Wharf",
    20: "Harbour View Apartment 3B",
    21: "harbour view apartment 3b",
    44: "",
    66: "Flat 2\nRear access via the lane",
    90: "  Seaview Bungalow, Whitstable  ",
    100: "Zoë's Cottage, Ångström Straße 5, München",
    101: "東京都港区 タワーマンション 32F",
    102: "شقة مطلة على البحر، دبي مارينا",
    160: None,
    230: None,
}
CUSTOM_IDS = {7: "listing-2025-044", 40: "ACME_shoot.7", 133: "crm-88213", 222: "ORD_2024.11.3"}
BIG_ORDERS = {17: 480, 64: 412, 188: 445, 301: 400}
EMPTY_ORDERS = {5: 0, 57: 4}  # index -> total_images claimed while no image is listed
TOTAL_MISMATCH = {83: 2, 140: -1}  # index -> total_images minus len(images)
STUCK_PROCESSING = 11
NULL_STATUS = (13, 77, 199)
ERROR_ORDERS = frozenset({15, 23, 38, 52, 71, 96, 118, 147, 175, 203, 241, 266, 290, 318})
DELETED = (150, 260)
MERGING = (19, 61, 112)
EXTRA_FIELDS = 10
MARKUP_METADATA = 14
SAME_TIME_AS_PREVIOUS = 31  # a batch import: same created_at as order 30
NO_LAST_UPDATE = 120
NO_IS_MERGING = 121
# Minutes old: the live orders are the newest, the rest of the first page is fresh.
FIRST_AGES_MINUTES = (3, 8, 14, 26, 41, 95, 180, 260)

STREETS = (
    "Oak", "Elm", "Church", "Mill", "Station", "Victoria", "Kings", "Queen's", "Park",
    "High", "Meadow", "Willow", "Orchard", "Chapel", "Castle", "Beech", "Rosemary",
)  # fmt: skip
SUFFIXES = ("Lane", "Road", "Street", "Avenue", "Close", "Crescent", "Gardens", "Way", "Terrace")
UK_CITIES = (
    ("Bristol", 51.4545, -2.5879), ("Bath", 51.3811, -2.3590), ("Leeds", 53.8008, -1.5491),
    ("Manchester", 53.4808, -2.2426), ("York", 53.9590, -1.0815), ("Brighton", 50.8225, -0.1372),
    ("Oxford", 51.7520, -1.2577), ("Cambridge", 52.2053, 0.1218), ("Edinburgh", 55.9533, -3.1883),
    ("Cardiff", 51.4816, -3.1791), ("London", 51.5072, -0.1276), ("Norwich", 52.6309, 1.2974),
    ("Exeter", 50.7184, -3.5339), ("Harrogate", 53.9921, -1.5418),
)  # fmt: skip
US_CITIES = (
    ("Austin TX", 30.2672, -97.7431), ("Denver CO", 39.7392, -104.9903),
    ("Portland OR", 45.5152, -122.6784), ("Charleston SC", 32.7765, -79.9311),
    ("Asheville NC", 35.5951, -82.5515), ("San Diego CA", 32.7157, -117.1611),
)  # fmt: skip
US_STREETS = ("Maple", "Cedar", "Sunset", "Lakeview", "Magnolia", "Ridge", "Pine", "Bluebonnet")
US_SUFFIXES = ("Ave", "St", "Blvd", "Dr", "Ct", "Way")
BUILDINGS = (
    "Harbour View", "Riverside", "The Old Brewery", "Parkside", "Canal Wharf",
    "St. Mary's Court",
)  # fmt: skip
AGENCIES = (
    "Smith & Co", "Hale & Partners", "Oakwood Estates", "Bricks & Mortar Lettings",
    "Lime Tree Homes", "Northgate Property Group",
)  # fmt: skip
BATCHES = ("listings", "relists", "lettings", "new instructions", "price reductions")
SEASONS = (
    "winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer", "autumn",
    "autumn", "autumn", "winter",
)  # fmt: skip
COTTAGES = (
    "Rose", "Ivy", "Orchard", "Honeysuckle", "Bramble", "Lavender", "Willow", "Foxglove",
    "Holly", "Primrose",
)  # fmt: skip
VILLAGES = (
    "Little Haddon", "Upper Slaughter", "Much Wenlock", "Castle Combe", "Lower Shiplake",
    "Great Tew", "Bibury", "Lacock", "Clovelly", "Hutton-le-Hole",
)  # fmt: skip
DEVELOPMENTS = ("Meadow Rise", "Kingsbrook", "The Paddocks", "Wharfside Quarter")

# (make, model, lenses, (width, height))
CAMERAS = (
    ("Canon", "EOS R5", ("RF15-35mm F2.8 L IS USM", "RF24-105mm F4 L IS USM"), (8192, 5464)),
    ("Canon", "EOS 5D Mark IV", ("EF16-35mm f/4L IS USM",), (6720, 4480)),
    ("Sony", "ILCE-7RM4", ("FE 12-24mm F4 G", "FE 16-35mm F2.8 GM"), (9504, 6336)),
    ("NIKON CORPORATION", "NIKON Z 7_2", ("NIKKOR Z 14-30mm f/4 S",), (8256, 5504)),
    ("FUJIFILM", "X-T4", ("XF10-24mmF4 R OIS WR",), (6240, 4160)),
    ("DJI", "FC3582", ("24.0 mm f/1.7",), (8064, 6048)),
    ("Apple", "iPhone 15 Pro", ("iPhone 15 Pro back triple camera 2.22mm f/2.2",), (4032, 3024)),
)  # fmt: skip
SOFTWARE = (
    "Adobe Lightroom Classic 13.1", "Capture One 23", "Adobe Photoshop 25.4", "iOS 17.4", None,
)  # fmt: skip
TAGS = (
    "hdr", "wide", "twilight", "interior", "exterior", "aerial", "detail", "flambient",
    "bracketed",
)  # fmt: skip
FILE_PREFIXES = ("IMG_", "DSC", "_MG_", "DJI_", "PXL_", "DSCF")
EXTENSIONS = (".jpg", ".JPG", ".jpeg", ".CR3", ".ARW", ".NEF", ".dng", ".png")


class _Rng(random.Random):
    """random.Random with cheaper picks: generation draws about 300,000 of them."""

    def pick(self, options: Sequence[T]) -> T:
        return options[int(self.random() * len(options))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))


@dataclass(frozen=True)
class LiveImage:
    """When one image of a live order changes state, in seconds after the app started."""

    starts_after: float
    finishes_after: float
    outcome: str
    reason: str | None

    def status_at(self, elapsed: float) -> tuple[str, str | None]:
        if elapsed < self.starts_after:
            return "waiting", None
        if elapsed < self.finishes_after:
            return "processing", None
        return self.outcome, self.reason


def iso(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def has_preview(image: dict[str, Any]) -> bool:
    """Whether the API has a preview for the image in its current state."""
    status = image.get("status")
    if status == "error":
        return image.get("status_reason") in ENHANCE_ERRORS
    return status in ("processed", None)


def aggregate_status(images: list[dict[str, Any]]) -> str:
    statuses = {image.get("status") for image in images}
    if statuses & {"waiting", "processing"}:
        return "processing"
    if "error" in statuses:
        return "error"
    return "processed"


class DemoData:
    """All orders for one seed, newest first, plus the schedule of the live ones."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.now = now
        rng = random.Random(f"{seed}:account")
        self.user_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        ages = _ages(seed)
        built = [
            _OrderBuilder(seed, index, now - ages[index], now, self.user_id).build()
            for index in range(ORDER_COUNT)
        ]
        by_index = {index: order for index, (order, _) in enumerate(built)}
        self.live: dict[str, tuple[LiveImage, ...]] = {
            by_index[index]["order_id"]: built[index][1] for index in LIVE_INDEXES
        }
        self.orders = sorted(
            by_index.values(), key=lambda o: (o["created_at"], o["order_id"]), reverse=True
        )
        self._orders_by_id = {order["order_id"]: order for order in self.orders}
        self._images_by_id = {
            image["image_id"]: (order["order_id"], position)
            for order in self.orders
            for position, image in enumerate(order["images"])
        }
        self.notable = _notable(by_index)

    def find_order(self, order_id: str) -> dict[str, Any] | None:
        """The order as first generated (live orders as at the app's start)."""
        return self._orders_by_id.get(order_id)

    def is_live(self, order_id: str) -> bool:
        return order_id in self.live

    def order_at(self, order: dict[str, Any], elapsed: float) -> dict[str, Any]:
        """The order as the API shows it `elapsed` seconds after the app started."""
        schedule = self.live.get(order["order_id"])
        if schedule is None:
            return order
        images = []
        for image, live in zip(order["images"], schedule, strict=True):
            status, reason = live.status_at(elapsed)
            images.append({**image, "status": status, "status_reason": reason})
        current = {**order, "images": images}
        current["status"] = aggregate_status(images)
        current["is_processing"] = current["status"] == "processing"
        finished = [live.finishes_after for live in schedule if elapsed >= live.finishes_after]
        if finished:
            current["last_updated_at"] = iso(self.now + timedelta(seconds=max(finished)))
        return current

    def image_at(self, image_id: str, elapsed: float) -> dict[str, Any] | None:
        found = self._images_by_id.get(image_id)
        if found is None:
            return None
        order_id, position = found
        return self.order_at(self._orders_by_id[order_id], elapsed)["images"][position]


@functools.lru_cache(maxsize=4)
def demo_data(seed: int, now: datetime) -> DemoData:
    """The data for a seed and moment, built once: apps share it and treat it as read-only."""
    return DemoData(seed, now)


def _ages(seed: int) -> list[timedelta]:
    """How old each order is: strictly increasing with the index."""
    rng = random.Random(f"{seed}:ages")
    ages = [timedelta(minutes=m, seconds=rng.uniform(0, 50)) for m in FIRST_AGES_MINUTES]
    first = len(ages)
    span = HISTORY_DAYS * 86400

    # Denser towards the present, as an active account's history is.
    def boundary(i: int) -> float:
        return span * (i / ORDER_COUNT) ** 1.25 + 86400 * 0.5

    for index in range(first, ORDER_COUNT):
        low, high = boundary(index), boundary(index + 1)
        ages.append(timedelta(seconds=rng.uniform(low, high), milliseconds=rng.randrange(1000)))
    ages[SAME_TIME_AS_PREVIOUS] = ages[SAME_TIME_AS_PREVIOUS - 1]
    return ages


def _notable(by_index: dict[int, dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    def ids(indexes: Iterable[int]) -> tuple[str, ...]:
        return tuple(by_index[i]["order_id"] for i in indexes)

    return {
        "live": ids(LIVE_INDEXES),
        "hostile": tuple(o["order_id"] for o in by_index.values() if o["name"] in HOSTILE_NAMES),
        "quotes": ids((QUOTED,)),
        "emoji": ids((EMOJI,)),
        "long_name": ids((LONG,)),
        "null_name": ids(i for i, name in NAMES.items() if name is None),
        "big": ids(BIG_ORDERS),
        "empty": ids(EMPTY_ORDERS),
        "custom_id": ids(CUSTOM_IDS),
        "extra_fields": ids((EXTRA_FIELDS,)),
        "markup_metadata": ids((MARKUP_METADATA,)),
        "stuck_processing": ids((STUCK_PROCESSING,)),
        "deleted": ids(DELETED),
    }


class _OrderBuilder:
    """Draws one order and its images from the order's own generator."""

    def __init__(
        self, seed: int, index: int, created: datetime, now: datetime, user_id: str
    ) -> None:
        self.rng = _Rng(f"{seed}:{index}")
        self.index = index
        self.created = created
        self.now = now
        self.user_id = user_id
        self.created_ms, self.now_ms = epoch_ms(created), epoch_ms(now)
        self.city = self.rng.pick(UK_CITIES)
        self.usa = self.rng.random() < 0.15
        if self.usa:
            self.city = self.rng.pick(US_CITIES)
        self.camera = self.rng.pick(CAMERAS)
        self.order_id = CUSTOM_IDS.get(index) or self._uuid()

    def build(self) -> tuple[dict[str, Any], tuple[LiveImage, ...]]:
        rng, index = self.rng, self.index
        name = NAMES[index] if index in NAMES else self._name()
        status = self._status()
        images, live = self._images(status)
        if index in LIVE_INDEXES:
            status = aggregate_status(images)
        updated = self._added(len(images) - 1) if images else self.created
        if status in ("processed", "error"):
            updated = min(updated + timedelta(seconds=rng.uniform(40, 900)), self.now)
        order: dict[str, Any] = {
            "order_id": self.order_id,
            "name": name,
            "created_at": iso(self.created),
            "last_updated_at": None if index == NO_LAST_UPDATE else iso(updated),
            "status": None if index in NULL_STATUS else status,
            "is_processing": status == "processing",
            "is_merging": index in MERGING,
            "is_deleted": index in DELETED,
            "total_images": len(images) + TOTAL_MISMATCH.get(index, 0) + EMPTY_ORDERS.get(index, 0),
            "images": images,
        }
        if index == NO_IS_MERGING:
            del order["is_merging"]
        if index == EXTRA_FIELDS:
            order["ANY_ADDITIONAL_PROPERTY"] = "anything"
            order["priority"] = {"level": 2}
        return order, live

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _name(self) -> str:
        rng = self.rng
        num = rng.between(1, 240)
        if self.usa:
            street = f"{rng.pick(US_STREETS)} {rng.pick(US_SUFFIXES)}"
            return f"{rng.between(100, 9800)} {street}, {self.city[0]}"
        city = self.city[0]
        street = f"{rng.pick(STREETS)} {rng.pick(SUFFIXES)}"
        season = f"{SEASONS[self.created.month - 1]} {{}} {self.created.year}"
        templates: tuple[Callable[[], str], ...] = (
            lambda: f"{num} {street}, {city}",
            lambda: f"{num} {street}, {city}",
            lambda: f"{rng.pick(BUILDINGS)} Apartment {rng.between(1, 12)}{rng.pick('ABCDEF')}",
            lambda: f"{rng.pick(AGENCIES)} — {season.format(rng.pick(BATCHES))}",
            lambda: f"Unit {rng.between(1, 30)}, {num} {street}, {city}",
            lambda: f"{rng.pick(COTTAGES)} Cottage, {rng.pick(VILLAGES)}",
            lambda: f"{city} — twilight shoot {rng.between(1, 28):02d}/{rng.between(1, 12):02d}",
            lambda: f"Plot {rng.between(1, 60)}, {rng.pick(DEVELOPMENTS)} (show home)",
        )
        return rng.pick(templates)()

    def _status(self) -> str:
        index = self.index
        if index in EMPTY_ORDERS:
            return "waiting"
        if index == STUCK_PROCESSING or index in LIVE_INDEXES:
            return "processing"
        return "error" if index in ERROR_ORDERS else "processed"

    def _image_count(self, status: str) -> int:
        index, rng = self.index, self.rng
        if status == "waiting":
            return 0
        if index in LIVE_INDEXES:
            return LIVE_IMAGE_COUNTS[index]
        if index in BIG_ORDERS:
            return BIG_ORDERS[index]
        return max(1, int(rng.triangular(1, 62, 10)))

    def _added(self, position: int) -> datetime:
        # Uploads trickle in a few seconds apart, never in the future.
        return min(self.created + timedelta(seconds=7 * position + 2), self.now)

    def _added_ms(self, position: int) -> int:
        return min(self.created_ms + 1000 * (7 * position + 2), self.now_ms)

    def _images(self, status: str) -> tuple[list[dict[str, Any]], tuple[LiveImage, ...]]:
        count = self._image_count(status)
        order_defaults = _ImageDefaults(self.rng, self.usa)
        images = [self._image(position, status, order_defaults) for position in range(count)]
        if status == "error" and not any(image["status"] == "error" for image in images):
            images[-1]["status"], images[-1]["status_reason"] = (
                "error",
                self.rng.pick(UPLOAD_ERRORS),
            )
        if count >= 4:
            # "custom" order: the user moved a few photos; stored order is not date order.
            for _ in range(2):
                a, b = self.rng.sample(range(count), 2)
                images[a], images[b] = images[b], images[a]
        live: tuple[LiveImage, ...] = ()
        if self.index in LIVE_INDEXES:
            live = tuple(self._live_image(position, count) for position in range(count))
            for image, plan in zip(images, live, strict=True):
                image["status"], image["status_reason"] = plan.status_at(0.0)
        return images, live

    def _live_image(self, position: int, count: int) -> LiveImage:
        rng = self.rng
        start = 2 + 40 * position / count + rng.uniform(0, 6)
        finish = min(start + rng.uniform(15, 45), 90.0)
        if rng.random() < 0.08:
            return LiveImage(start, finish, "error", rng.pick(ENHANCE_ERRORS))
        return LiveImage(start, finish, "processed", None)

    def _image(self, position: int, order_status: str, defaults: _ImageDefaults) -> dict[str, Any]:
        rng, index = self.rng, self.index
        scene = rng.pick(SCENES) if rng.random() < 0.9 else defaults.scene
        status, reason = self._image_status(order_status)
        enhance_type = defaults.enhance_type
        if rng.random() < 0.12:
            enhance_type = rng.pick(ENHANCE_TYPES)
        if rng.random() < 0.04:
            enhance_type = rng.pick((enhance_type.capitalize(), enhance_type.upper()))
        window_pull = rng.random() < 0.35
        image: dict[str, Any] = {
            "image_id": self._image_id(position),
            "image_name": self._image_name(position, scene),
            "order_id": self.order_id,
            "user_id": self.user_id if rng.random() > 0.03 else None,
            "status": status,
            "status_reason": reason,
            "date_added": self._added_ms(position),
            "enhance": rng.random() > 0.06,
            "enhance_type": enhance_type,
            "ai_version": defaults.ai_version,
            "sky_replacement": scene in OUTDOOR_SCENES and rng.random() < 0.7,
            "cloud_type": rng.pick(CLOUD_TYPES),
            "vertical_correction": rng.random() < 0.8,
            "lens_correction": rng.random() < 0.7,
            "upscale": rng.random() < 0.2,
            "privacy": rng.random() < 0.1,
            "window_pull": window_pull,
            "window_pull_type": rng.pick(WINDOW_PULL_TYPES[1:]) if window_pull else "NONE",
            "finetune_settings": self._finetune(),
            "metadata": self._metadata(scene),
            "rating": rng.between(0, 5) if rng.random() < 0.55 else None,
            "scene": scene,
            "downloaded": status == "processed" and rng.random() < 0.3,
        }
        if defaults.legacy_window_pull:
            # Older accounts' records carry the field under its former name.
            image["window_pull_style"] = image.pop("window_pull_type")
        if index == EXTRA_FIELDS:
            image["ANY_ADDITIONAL_PROPERTY"] = "anything"
        if rng.random() < 0.01:
            del image["rating"]
        return image

    def _image_id(self, position: int) -> str:
        if self.index in CUSTOM_IDS:
            return f"{self.order_id}_{position + 1:03d}"
        return self._uuid()

    def _image_name(self, position: int, scene: str | None) -> str | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.01:
            return None
        if roll < 0.2:
            return f"{(scene or 'exterior').replace('_', '-')}-{position + 1:02d}.jpg"
        if roll < 0.22:
            return f"photo ({position + 1}).HEIC"
        return f"{rng.pick(FILE_PREFIXES)}{rng.between(1000, 9999)}{rng.pick(EXTENSIONS)}"

    def _image_status(self, order_status: str) -> tuple[str | None, Any]:
        rng = self.rng
        if order_status == "processing":
            return rng.pick(("waiting", "processing", "processing", "processed")), None
        if self.index in NULL_STATUS:
            return rng.pick((None, "processed", "processed")), None
        if order_status == "error" and rng.random() < 0.25:
            roll = rng.random()
            if roll < 0.1:
                return "error", dict(STRUCTURED_ERROR)
            return "error", rng.pick(UPLOAD_ERRORS if roll < 0.6 else ENHANCE_ERRORS)
        return "processed", None

    def _finetune(self) -> dict[str, str] | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            return None
        if roll < 0.65:
            return {}
        keys = ("brightness_boost", "contrast_boost", "clarity_level", "denoise_level")
        settings = {rng.pick(keys): rng.pick(FINETUNE_LEVELS) for _ in range(rng.between(1, 4))}
        if roll > 0.95:
            settings["saturation_boost"] = rng.pick(FINETUNE_LEVELS)
        return settings

    def _metadata(self, scene: str | None) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.04:
            return {}
        make, model, lenses, (width, height) = self.camera
        if scene in ("facade", "garden") and rng.random() < 0.3:
            make, model, lenses, (width, height) = CAMERAS[5]  # the drone
        bracketed = rng.random() < 0.6
        exposure: dict[str, Any] = {
            "iso": rng.pick((100, 200, 400, 800, 1600)),
            "aperture": rng.pick((5.6, 7.1, 8.0, 9.0, 11.0)),
            "shutter_speed": rng.pick(
                ("1/250", "1/125", "1/60", "1/30", "1/15", "1/8", "0.5", "2")
            ),
            "bracketed": bracketed,
        }
        if bracketed:
            exposure["frames"] = rng.pick((3, 5, 7))
            exposure["exposure_compensation"] = rng.pick((-2.0, -0.7, 0.0, 0.7, 2.0))
        metadata: dict[str, Any] = {
            "camera": {"make": make, "model": model},
            "lens": {"model": rng.pick(lenses), "focal_length_mm": rng.pick((14, 16, 18, 24, 35))}
            if rng.random() > 0.1
            else None,
            "exposure": exposure,
            "dimensions": {"width": width, "height": height}
            if rng.random() > 0.15
            else {"width": height, "height": width, "orientation": "portrait"},
            "tags": list(dict.fromkeys(rng.pick(TAGS) for _ in range(rng.between(0, 3)))),
            "software": rng.pick(SOFTWARE),
        }
        roll = rng.random()
        if roll < 0.7:
            _, lat, lng = self.city
            metadata["gps"] = {
                "lat": round(lat + rng.uniform(-0.05, 0.05), 6),
                "lng": round(lng + rng.uniform(-0.05, 0.05), 6),
            }
        elif roll < 0.8:
            metadata["gps"] = None
        if rng.random() < 0.1:
            metadata["xmp"] = {
                "crs": {"Temperature": rng.randrange(3200, 6500, 50), "Tint": rng.between(-10, 10)}
            }
        if self.index == MARKUP_METADATA:
            metadata["<b>note</b>"] = "<i>shot at dusk</i> & <script>alert('meta')</script>"
        return metadata


class _ImageDefaults:
    """What a shoot shares: most images of an order use the same settings."""

    def __init__(self, rng: _Rng, usa: bool) -> None:
        weights = (40, 12, 12, 12, 12, 8)
        self.enhance_type = (
            "property_usa" if usa and rng.random() < 0.7 else rng.choices(ENHANCE_TYPES, weights)[0]
        )
        self.ai_version = rng.choices(AI_VERSIONS, (40, 15, 8, 20, 12, 5))[0]
        self.scene = rng.pick(SCENES)
        self.legacy_window_pull = rng.random() < 0.04
