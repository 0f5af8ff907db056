"""A map's markers, labels and scale as SVG, drawn over its basemap image.

Built with plain string formatting: a large briefing draws a map on every
development and place page, and this is the hot path (a Jinja loop over the
markers cost about half a second at 1,000 developments). Text from the briefing
goes through :func:`.markup.plain`, like every other plain field; the look
(colours, fonts, sizes) is the stylesheet's, through the classes set here.
"""

from __future__ import annotations

from markupsafe import Markup

from .maps import Label, MapView, Marker
from .markup import plain

__all__ = ["marker_shape", "overlay_svg"]


def _n(value: float) -> str:
    return f"{value:g}"


def marker_shape(role: str, x: float, y: float, r: float) -> str:
    """A diamond for a page's own and the latest places, a circle for the others."""
    if role in ("focus", "latest"):
        return (
            f'<rect class="bf-map-shape" x="{_n(x - r)}" y="{_n(y - r)}" width="{_n(2 * r)}" '
            f'height="{_n(2 * r)}" transform="rotate(45 {_n(x)} {_n(y)})"></rect>'
        )
    return f'<circle class="bf-map-shape" cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}"></circle>'


def _text(label: Label, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return (
        f'<text{attr} x="{_n(label.x)}" y="{_n(label.y)}" text-anchor="{label.anchor}">'
        f"{plain(label.text)}</text>"
    )


def _marker(m: Marker) -> str:
    label = _text(m.label) if m.label else ""
    return (
        f'<g class="bf-map-marker bf-map-{m.role}">{marker_shape(m.role, m.x, m.y, m.radius)}'
        f"<title>{plain(m.name)}</title>{label}</g>"
    )


def overlay_svg(view: MapView) -> Markup:
    """The overlay, one line (no blank line: Python-Markdown leaves it alone)."""
    s = view.scale
    parts = [
        f'<svg class="bf-map-overlay" viewBox="0 0 {view.width} {view.height}" role="img" '
        'aria-labelledby="bf-map-title bf-map-desc">',
        f'<title id="bf-map-title">{plain(view.title)}</title>',
        f'<desc id="bf-map-desc">{plain(view.description)}</desc>',
        *(_text(label, "bf-map-country") for label in view.countries),
        *(_marker(m) for m in view.markers),
        f'<g class="bf-map-scale"><path d="M{_n(s.x)} {_n(s.y)}h{_n(s.length)}"></path>'
        f'<text x="{_n(s.x + s.length + 6)}" y="{_n(s.y + 4)}">{plain(s.text)}</text></g>',
        "</svg>",
    ]
    return Markup("".join(parts))
