"""Charts as a small scene of lines, boxes and text, drawn to SVG (by hand: small, text
kept as text, no style attributes, so a strict content-security policy lets it in) or to
PNG with Pillow at 300 dpi. Coordinates are in points, y downwards."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html import escape

PNG_DPI = 300
FONT = "Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    color: str = "#000000"
    width: float = 0.75


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    radius: float
    fill: str


@dataclass(frozen=True)
class Label:
    """Text at (x, y), its baseline there; ``anchor`` is start, middle or end;
    ``vertical`` turns it to read upwards."""

    x: float
    y: float
    text: str
    size: float = 8.0
    anchor: str = "start"
    bold: bool = False
    vertical: bool = False
    color: str = "#000000"


@dataclass
class Scene:
    """What a chart draws, in order, on a ``width`` × ``height`` point canvas; ``title``
    is the SVG's accessible name."""

    width: float
    height: float
    title: str
    items: list[Line | Box | Dot | Label] = field(default_factory=list)


def to_svg(scene: Scene) -> str:
    """The scene as a standalone SVG document (also fit to inline in HTML)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{scene.width:g}pt" '
        f'height="{scene.height:g}pt" viewBox="0 0 {scene.width:g} {scene.height:g}" '
        f'role="img" aria-label="{escape(scene.title)}">',
        f"<title>{escape(scene.title)}</title>",
        f'<rect x="0" y="0" width="{scene.width:g}" height="{scene.height:g}" fill="#ffffff"/>',
    ]
    for item in scene.items:
        if isinstance(item, Line):
            points = " ".join(f"{x:.2f},{y:.2f}" for x, y in item.points)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{item.color}" '
                f'stroke-width="{item.width:g}" stroke-linejoin="round"/>'
            )
        elif isinstance(item, Box):
            parts.append(
                f'<rect x="{item.x:.2f}" y="{item.y:.2f}" width="{item.width:.2f}" '
                f'height="{item.height:.2f}" fill="{item.fill}"/>'
            )
        elif isinstance(item, Dot):
            parts.append(
                f'<circle cx="{item.x:.2f}" cy="{item.y:.2f}" r="{item.radius:g}" '
                f'fill="{item.fill}"/>'
            )
        else:
            turn = f' transform="rotate(-90 {item.x:.2f} {item.y:.2f})"' if item.vertical else ""
            weight = ' font-weight="bold"' if item.bold else ""
            parts.append(
                f'<text x="{item.x:.2f}" y="{item.y:.2f}" font-family="{FONT}" '
                f'font-size="{item.size:g}" text-anchor="{item.anchor}" fill="{item.color}"'
                f"{weight}{turn}>{escape(item.text)}</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def to_png(scene: Scene, dpi: int = PNG_DPI) -> bytes:
    """The scene as a PNG at ``dpi`` (the resolution recorded in the file)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 72
    image = Image.new("RGB", (round(scene.width * scale), round(scene.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for item in scene.items:
        if isinstance(item, Line):
            width = max(1, round(item.width * scale))
            points = [(x * scale, y * scale) for x, y in item.points]
            draw.line(points, fill=item.color, width=width, joint="curve")
        elif isinstance(item, Box):
            x, y = item.x * scale, item.y * scale
            draw.rectangle((x, y, x + item.width * scale, y + item.height * scale), fill=item.fill)
        elif isinstance(item, Dot):
            r = item.radius * scale
            x, y = item.x * scale, item.y * scale
            draw.ellipse((x - r, y - r, x + r, y + r), fill=item.fill)
        else:
            font = ImageFont.load_default(size=item.size * scale)
            if not item.vertical:
                draw.text(
                    (item.x * scale, item.y * scale),
                    item.text,
                    fill=item.color,
                    font=font,
                    anchor=anchors[item.anchor],
                    stroke_width=0,
                )
                continue
            length = round(font.getlength(item.text)) + 2
            tall = round(item.size * scale * 1.4)
            strip = Image.new("RGBA", (length, tall), (255, 255, 255, 0))
            ImageDraw.Draw(strip).text(
                (length / 2, tall * 0.8), item.text, fill=item.color, font=font, anchor="ms"
            )
            turned = strip.rotate(90, expand=True)
            x = round(item.x * scale - tall * 0.8)
            y = round(item.y * scale - length / 2)
            image.paste(turned, (x, y), turned)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()
