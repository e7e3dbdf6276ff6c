"""Demo preview JPEGs: calm, stylised property photos drawn with Pillow.

Each picture is a pure function of the image id and scene, so a grid of them
is varied yet stable across restarts, and the bytes can be cached and ETagged.
"""

from __future__ import annotations

import colorsys
import functools
import io
import random

from PIL import Image, ImageDraw, ImageFont

from orders.sandbox.data import OUTDOOR_SCENES

RGB = tuple[int, int, int]
QUALITY = 80


@functools.lru_cache(maxsize=1024)
def render_preview(
    image_id: str, *, scene: str | None, width: int = 640, height: int = 426
) -> bytes:
    """A JPEG for the image: an exterior for outdoor scenes, a room otherwise."""
    return _encode(_draw(image_id, scene, width, height))


@functools.lru_cache(maxsize=256)
def render_watermarked(
    image_id: str, *, scene: str | None, width: int = 640, height: int = 426
) -> bytes:
    """The preview with a translucent band across it, as the watermark endpoint serves."""
    picture = _draw(image_id, scene, width, height).convert("RGBA")
    band = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(band)
    top = height * 2 // 5
    draw.rectangle((0, top, width, top + height // 5), fill=(255, 255, 255, 110))
    font = ImageFont.load_default(size=max(12, height // 14))
    draw.text(
        (width / 2, top + height / 10),
        "AUTOENHANCE.AI  PREVIEW",
        font=font,
        fill=(60, 60, 70, 200),
        anchor="mm",
    )
    return _encode(Image.alpha_composite(picture, band).convert("RGB"))


def _encode(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=QUALITY, optimize=True)
    return buffer.getvalue()


def _pastel(
    rng: random.Random,
    *,
    saturation: tuple[float, float],
    value: tuple[float, float],
    hue: float | None = None,
) -> RGB:
    h = rng.random() if hue is None else hue
    r, g, b = colorsys.hsv_to_rgb(h, rng.uniform(*saturation), rng.uniform(*value))
    return int(r * 255), int(g * 255), int(b * 255)


def _shade(colour: RGB, factor: float) -> RGB:
    return tuple(max(0, min(255, int(c * factor))) for c in colour)  # type: ignore[return-value]


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    # A one-pixel-wide strip stretched sideways is far cheaper than per-pixel work.
    width, height = size
    strip = Image.new("RGB", (1, height))
    span = max(1, height - 1)
    strip.putdata(
        [
            tuple(int(t + (b - t) * y / span) for t, b in zip(top, bottom, strict=True))
            for y in range(height)
        ]
    )
    return strip.resize((width, height))


def _draw(image_id: str, scene: str | None, width: int, height: int) -> Image.Image:
    rng = random.Random(image_id)
    if scene in OUTDOOR_SCENES:
        return _exterior(rng, scene, width, height)
    return _interior(rng, scene, width, height)


def _sky(rng: random.Random, width: int, height: int) -> Image.Image:
    dusk = rng.random() < 0.15
    if dusk:
        top, bottom = (70, 80, 130), (240, 180, 150)
    else:
        top = _pastel(rng, saturation=(0.35, 0.5), value=(0.75, 0.85), hue=rng.uniform(0.55, 0.62))
        bottom = _pastel(rng, saturation=(0.08, 0.15), value=(0.95, 1.0), hue=rng.uniform(0.5, 0.6))
    return _gradient((width, height), top, bottom)


def _clouds(draw: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int) -> None:
    for _ in range(rng.randint(1, 4)):
        x, y = rng.uniform(0, width), rng.uniform(0.05, 0.3) * height
        scale = rng.uniform(0.6, 1.3) * width / 640
        for dx, dy, r in ((0, 0, 22), (24, -10, 26), (50, 0, 20), (25, 6, 22)):
            draw.ellipse(
                (
                    x + dx * scale - r * scale,
                    y + dy * scale - r * scale,
                    x + dx * scale + r * scale,
                    y + dy * scale + r * scale,
                ),
                fill=(250, 250, 252),
            )


def _exterior(rng: random.Random, scene: str | None, width: int, height: int) -> Image.Image:
    picture = _sky(rng, width, height)
    draw = ImageDraw.Draw(picture)
    sun_x, sun_y, sun_r = (
        rng.uniform(0.1, 0.9) * width,
        rng.uniform(0.08, 0.22) * height,
        height * 0.06,
    )
    draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=(255, 236, 170))
    _clouds(draw, rng, width, height)
    horizon = rng.uniform(0.55, 0.65) * height
    hill = _pastel(rng, saturation=(0.25, 0.35), value=(0.6, 0.7), hue=rng.uniform(0.22, 0.33))
    for i in range(rng.randint(2, 3)):
        cx, r = rng.uniform(-0.2, 1.2) * width, rng.uniform(0.35, 0.6) * width
        draw.ellipse(
            (cx - r, horizon - r * 0.25 - i * 6, cx + r, horizon + r * 0.5),
            fill=_shade(hill, 1 + 0.06 * i),
        )
    lawn = _shade(hill, 1.12)
    draw.rectangle((0, horizon, width, height), fill=lawn)
    _house(draw, rng, width, height, horizon)
    if scene == "pool":
        water = (130, 195, 215)
        top = horizon + (height - horizon) * 0.45
        draw.rectangle((width * 0.08, top, width * 0.92, height * 0.97), fill=(235, 232, 222))
        draw.rectangle((width * 0.11, top + 8, width * 0.89, height * 0.94), fill=water)
        for i in range(4):
            y = top + 16 + i * (height * 0.94 - top - 16) / 4
            draw.line((width * 0.15, y, width * 0.85, y), fill=(170, 220, 232), width=2)
    else:
        _garden(draw, rng, width, height, horizon, lawn)
    return picture


def _house(
    draw: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int, horizon: float
) -> None:
    wall = _pastel(
        rng,
        saturation=(0.08, 0.25),
        value=(0.82, 0.95),
        hue=rng.choice((0.08, 0.1, 0.12, 0.0, 0.55)),
    )
    roof = _pastel(
        rng, saturation=(0.2, 0.4), value=(0.35, 0.55), hue=rng.choice((0.02, 0.05, 0.6, 0.08))
    )
    trim = (250, 248, 242)
    house_w = rng.uniform(0.38, 0.55) * width
    left = rng.uniform(0.12, 0.88 - house_w / width) * width
    right = left + house_w
    floors = rng.choice((1, 2, 2))
    floor_h = height * 0.15
    base = horizon + height * 0.1
    top = base - floors * floor_h
    draw.rectangle((left, top, right, base), fill=wall)
    if rng.random() < 0.6:
        peak = top - rng.uniform(0.1, 0.16) * height
        draw.polygon([(left - 12, top), (right + 12, top), ((left + right) / 2, peak)], fill=roof)
    else:
        draw.rectangle((left - 8, top - 12, right + 8, top), fill=roof)
    door_w = house_w * 0.09
    door_x = left + house_w * rng.uniform(0.35, 0.6)
    draw.rectangle((door_x, base - floor_h * 0.7, door_x + door_w, base), fill=_shade(roof, 1.2))
    columns = max(3, int(house_w // 70))
    for floor in range(floors):
        y = base - (floor + 1) * floor_h + floor_h * 0.22
        for col in range(columns):
            x = left + house_w * (col + 0.5) / columns - house_w * 0.04
            if (
                floor == 0
                and abs(x + house_w * 0.04 - door_x - door_w / 2) < house_w / columns * 0.6
            ):
                continue
            draw.rectangle(
                (x - 3, y - 3, x + house_w * 0.08 + 3, y + floor_h * 0.45 + 3), fill=trim
            )
            draw.rectangle((x, y, x + house_w * 0.08, y + floor_h * 0.45), fill=(150, 180, 200))
    draw.rectangle((left - 20, base, right + 20, base + 6), fill=(205, 200, 190))


def _garden(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    horizon: float,
    lawn: RGB,
) -> None:
    path = (215, 205, 185)
    draw.polygon(
        [
            (width * 0.45, horizon + height * 0.1),
            (width * 0.55, horizon + height * 0.1),
            (width * 0.7, height),
            (width * 0.3, height),
        ],
        fill=path,
    )
    leaf = _shade(lawn, 0.75)
    for _ in range(rng.randint(2, 5)):
        x = rng.choice((rng.uniform(0, 0.2), rng.uniform(0.8, 1.0))) * width
        r = rng.uniform(0.05, 0.09) * width
        y = horizon + rng.uniform(-0.02, 0.08) * height
        draw.rectangle((x - 4, y, x + 4, y + r * 1.3), fill=(120, 95, 75))
        draw.ellipse((x - r, y - r * 1.4, x + r, y + r * 0.4), fill=leaf)
    for _ in range(rng.randint(3, 8)):
        x, y = rng.uniform(0, width), rng.uniform(horizon + 0.2 * height, height)
        colour = _pastel(rng, saturation=(0.3, 0.45), value=(0.9, 1.0))
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=colour)


def _interior(rng: random.Random, scene: str | None, width: int, height: int) -> Image.Image:
    wall = _pastel(rng, saturation=(0.04, 0.14), value=(0.88, 0.97))
    picture = _gradient((width, height), _shade(wall, 1.03), _shade(wall, 0.93))
    draw = ImageDraw.Draw(picture)
    floor_top = rng.uniform(0.62, 0.7) * height
    floor = _pastel(rng, saturation=(0.2, 0.35), value=(0.6, 0.78), hue=rng.uniform(0.06, 0.1))
    draw.rectangle((0, floor_top, width, height), fill=floor)
    for i in range(1, 8):
        x = width * i / 8
        draw.line(
            (x, floor_top, x + (x - width / 2) * 0.6, height), fill=_shade(floor, 0.92), width=2
        )
    draw.rectangle((0, floor_top - 6, width, floor_top), fill=_shade(wall, 1.06))
    _window(draw, rng, width, height, floor_top, WINDOW_SIDES.get(scene or ""))
    accent = _pastel(rng, saturation=(0.25, 0.4), value=(0.55, 0.75))
    furnish = _FURNISHERS.get(scene or "", _living_room)
    furnish(draw, rng, width, height, floor_top, accent)
    return picture


def _window(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    floor_top: float,
    side: str | None,
) -> None:
    w, h = rng.uniform(0.2, 0.3) * width, rng.uniform(0.3, 0.4) * height
    left, right = rng.uniform(0.06, 0.2), rng.uniform(0.55, 0.72)
    x = {"left": left, "right": right}.get(side or "", rng.choice((left, right))) * width
    y = floor_top - h - rng.uniform(0.12, 0.2) * height
    draw.rectangle((x - 6, y - 6, x + w + 6, y + h + 6), fill=(252, 252, 250))
    sky_top = _pastel(rng, saturation=(0.3, 0.45), value=(0.8, 0.9), hue=0.58)
    steps = 8
    for i in range(steps):
        band = _shade(sky_top, 1 + 0.03 * i)
        draw.rectangle((x, y + h * i / steps, x + w, y + h * (i + 1) / steps), fill=band)
    draw.rectangle((x, y + h * 0.75, x + w, y + h), fill=(170, 200, 160))
    draw.line((x + w / 2, y, x + w / 2, y + h), fill=(252, 252, 250), width=4)
    draw.line((x, y + h / 2, x + w, y + h / 2), fill=(252, 252, 250), width=4)


def _living_room(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    floor_top: float,
    accent: RGB,
) -> None:
    left = rng.uniform(0.25, 0.45) * width
    sofa_w, base = width * 0.42, floor_top + height * 0.12
    draw.ellipse(
        (left - 30, base - 10, left + sofa_w + 30, base + height * 0.12), fill=_shade(accent, 1.35)
    )
    draw.rounded_rectangle((left, base - height * 0.2, left + sofa_w, base), radius=14, fill=accent)
    draw.rounded_rectangle(
        (left - 12, base - height * 0.12, left + 22, base), radius=10, fill=_shade(accent, 0.9)
    )
    draw.rounded_rectangle(
        (left + sofa_w - 22, base - height * 0.12, left + sofa_w + 12, base),
        radius=10,
        fill=_shade(accent, 0.9),
    )
    for i in range(2):
        cx = left + sofa_w * (0.3 + 0.4 * i)
        draw.rounded_rectangle(
            (cx - 24, base - height * 0.17, cx + 24, base - height * 0.09),
            radius=8,
            fill=_shade(accent, 1.25),
        )
    lamp_x = left + sofa_w + 50
    draw.line((lamp_x, base, lamp_x, base - height * 0.35), fill=(90, 90, 90), width=3)
    draw.polygon(
        [
            (lamp_x - 22, base - height * 0.35),
            (lamp_x + 22, base - height * 0.35),
            (lamp_x + 12, base - height * 0.44),
            (lamp_x - 12, base - height * 0.44),
        ],
        fill=(245, 230, 200),
    )


def _bedroom(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    floor_top: float,
    accent: RGB,
) -> None:
    left = rng.uniform(0.22, 0.4) * width
    bed_w, base = width * 0.4, floor_top + height * 0.2
    draw.rounded_rectangle(
        (left, floor_top - height * 0.22, left + bed_w, floor_top + 10),
        radius=12,
        fill=_shade(accent, 0.8),
    )
    draw.rectangle(
        (left + 6, floor_top - height * 0.05, left + bed_w - 6, base), fill=(248, 246, 240)
    )
    draw.rectangle((left + 6, floor_top + height * 0.04, left + bed_w - 6, base), fill=accent)
    for i in range(2):
        px = left + 20 + i * (bed_w / 2)
        draw.rounded_rectangle(
            (px, floor_top - height * 0.1, px + bed_w / 2 - 40, floor_top - height * 0.02),
            radius=10,
            fill=(255, 255, 255),
        )
    for x in (left - 60, left + bed_w + 10):
        draw.rectangle(
            (x, floor_top - height * 0.02, x + 50, floor_top + height * 0.08),
            fill=_shade(accent, 1.3),
        )


def _kitchen(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    floor_top: float,
    accent: RGB,
) -> None:
    cabinet = _shade(accent, 1.25)
    top = floor_top - height * 0.2
    draw.rectangle((0, top, width, floor_top), fill=cabinet)
    draw.rectangle((0, top - 8, width, top), fill=(235, 232, 225))
    for i in range(8):
        x = width * i / 8
        draw.rectangle(
            (x + 4, top + 6, x + width / 8 - 4, floor_top - 6),
            outline=_shade(cabinet, 0.85),
            width=2,
        )
    draw.rectangle((0, height * 0.08, width * rng.uniform(0.35, 0.45), height * 0.26), fill=cabinet)
    island_left = rng.uniform(0.2, 0.4) * width
    draw.rectangle(
        (
            island_left,
            floor_top + height * 0.02,
            island_left + width * 0.4,
            floor_top + height * 0.2,
        ),
        fill=_shade(accent, 0.95),
    )
    draw.rectangle(
        (
            island_left - 8,
            floor_top + height * 0.01,
            island_left + width * 0.4 + 8,
            floor_top + height * 0.035,
        ),
        fill=(240, 238, 232),
    )
    for i in range(3):
        x = island_left + width * (0.08 + 0.12 * i)
        draw.ellipse(
            (x - 14, floor_top + height * 0.2, x + 14, floor_top + height * 0.24), fill=(80, 75, 70)
        )


def _bathroom(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    floor_top: float,
    accent: RGB,
) -> None:
    tiles = _shade(accent, 1.45)
    draw.rectangle((0, floor_top - height * 0.3, width, floor_top), fill=tiles)
    for i in range(1, 16):
        draw.line(
            (width * i / 16, floor_top - height * 0.3, width * i / 16, floor_top),
            fill=_shade(tiles, 0.93),
            width=1,
        )
    left = rng.uniform(0.05, 0.35) * width
    draw.rounded_rectangle(
        (left, floor_top - height * 0.1, left + width * 0.45, floor_top + height * 0.1),
        radius=30,
        fill=(252, 252, 252),
    )
    mirror_x = width * rng.uniform(0.66, 0.78)
    draw.ellipse(
        (mirror_x, height * 0.12, mirror_x + width * 0.14, height * 0.38),
        fill=(215, 228, 235),
        outline=(200, 190, 170),
        width=4,
    )


def _dining_room(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    floor_top: float,
    accent: RGB,
) -> None:
    centre = rng.uniform(0.4, 0.6) * width
    table_y = floor_top + height * 0.02
    draw.line((centre, 0, centre, height * 0.2), fill=(80, 80, 80), width=2)
    draw.ellipse((centre - 30, height * 0.18, centre + 30, height * 0.26), fill=(245, 225, 180))
    for side in (-1, 1):
        for i in range(2):
            x = centre + side * width * (0.08 + 0.12 * i)
            draw.rectangle(
                (x - 14, table_y - height * 0.12, x + 14, table_y + height * 0.15),
                fill=_shade(accent, 0.8),
            )
    draw.rectangle(
        (centre - width * 0.28, table_y - 10, centre + width * 0.28, table_y), fill=(150, 110, 80)
    )
    draw.rectangle(
        (centre - width * 0.25, table_y, centre - width * 0.24, table_y + height * 0.15),
        fill=(150, 110, 80),
    )
    draw.rectangle(
        (centre + width * 0.24, table_y, centre + width * 0.25, table_y + height * 0.15),
        fill=(150, 110, 80),
    )


def _hallway(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    floor_top: float,
    accent: RGB,
) -> None:
    door_x = rng.uniform(0.4, 0.5) * width
    draw.rectangle(
        (door_x - 6, floor_top - height * 0.45, door_x + width * 0.14 + 6, floor_top),
        fill=(250, 250, 248),
    )
    draw.rectangle(
        (door_x, floor_top - height * 0.43, door_x + width * 0.14, floor_top),
        fill=_shade(accent, 0.9),
    )
    draw.polygon(
        [
            (door_x - 10, height),
            (door_x + width * 0.14 + 10, height),
            (door_x + width * 0.11, floor_top),
            (door_x + width * 0.03, floor_top),
        ],
        fill=_shade(accent, 1.3),
    )
    for i in range(3):
        x = width * (0.08 + 0.09 * i)
        draw.rectangle(
            (x, height * 0.25, x + width * 0.06, height * 0.34),
            fill=(250, 250, 250),
            outline=(120, 110, 100),
            width=3,
        )


def _office(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    floor_top: float,
    accent: RGB,
) -> None:
    left = rng.uniform(0.3, 0.5) * width
    desk_w = width * 0.38
    draw.rectangle(
        (left, floor_top - height * 0.02, left + desk_w, floor_top + 8), fill=(165, 125, 95)
    )
    draw.rectangle(
        (left + 6, floor_top + 8, left + 16, floor_top + height * 0.18), fill=(140, 105, 80)
    )
    draw.rectangle(
        (left + desk_w - 16, floor_top + 8, left + desk_w - 6, floor_top + height * 0.18),
        fill=(140, 105, 80),
    )
    draw.rectangle(
        (
            left + desk_w * 0.35,
            floor_top - height * 0.16,
            left + desk_w * 0.65,
            floor_top - height * 0.04,
        ),
        fill=(50, 55, 60),
    )
    draw.rounded_rectangle(
        (
            left + desk_w * 0.1,
            floor_top + height * 0.02,
            left + desk_w * 0.3,
            floor_top + height * 0.2,
        ),
        radius=8,
        fill=accent,
    )
    shelf_x = width * 0.05
    for i in range(3):
        y = height * (0.2 + 0.1 * i)
        draw.rectangle((shelf_x, y, shelf_x + width * 0.18, y + 5), fill=(160, 125, 95))
        for j in range(5):
            book = _pastel(rng, saturation=(0.3, 0.45), value=(0.6, 0.8))
            draw.rectangle((shelf_x + 6 + j * 14, y - 26, shelf_x + 16 + j * 14, y), fill=book)


# Rooms with cabinets, shelves or a mirror on one side put the window on the other.
WINDOW_SIDES = {"kitchen": "right", "office": "right", "hallway": "right", "bathroom": "left"}
_FURNISHERS = {
    "living_room": _living_room,
    "bedroom": _bedroom,
    "kitchen": _kitchen,
    "bathroom": _bathroom,
    "dining_room": _dining_room,
    "hallway": _hallway,
    "office": _office,
}
