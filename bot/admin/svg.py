"""The dashboard's charts as SVG, drawn on the server: no script, no CDN, nothing to download.

Pure: figures in, markup out. A hidden figure ("<5") is drawn as nothing (a gap in a line, no bar)
and labelled "<5" where the chart has labels. Every chart has a <title> for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

W, H = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 36
COLOURS = ("#3b7dd8", "#2e9e5b", "#d9822b", "#8e5bd9", "#d9534f", "#5bc0de", "#777777")


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _svg(title: str, body: str, w: int = W, h: int = H) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
            f'preserveAspectRatio="xMidYMid meet" font-family="sans-serif" font-size="11">'
            f'<title>{escape(title)}</title>{body}</svg>')


def _axis(top: float, labels: Sequence[str], x_of: Any) -> str:
    """Y gridlines with values, x labels (at most ~10)."""
    out = []
    for i in range(5):
        v = top * i / 4
        y = H - BOTTOM - (H - TOP - BOTTOM) * i / 4
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>'
                   f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{v:g}</text>')
    step = max(1, len(labels) // 10)
    for i in range(0, len(labels), step):
        out.append(f'<text x="{x_of(i):.1f}" y="{H - BOTTOM + 14}" text-anchor="middle" fill="#555">'
                   f'{escape(labels[i])}</text>')
    return "".join(out)


def _top(values: Sequence[float | None]) -> float:
    m = max([v for v in values if v is not None] + [1.0])
    # A round top for the grid: 1, 2, 5 x 10^n.
    mag = 1.0
    while mag * 10 < m:
        mag *= 10
    return next(mag * k for k in (1, 2, 5, 10) if mag * k >= m)


def lines(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Any]]]) -> str:
    """A line per series over ``labels`` (dates); gaps where a value is hidden or missing."""
    n = max(1, len(labels))
    vals = [[_num(v) for v in s] for _, s in series]
    top = _top([v for s in vals for v in s])
    span = W - LEFT - RIGHT

    def x(i: int) -> float:
        return LEFT + (span * (i + 0.5) / n)

    def y(v: float) -> float:
        return H - BOTTOM - (H - TOP - BOTTOM) * v / top

    body = [_axis(top, labels, x)]
    for k, ((name, _), s) in enumerate(zip(series, vals, strict=True)):
        colour = COLOURS[k % len(COLOURS)]
        run: list[str] = []
        paths = []
        for i, v in enumerate(s):
            if v is None:
                if run:
                    paths.append(run)
                run = []
                continue
            run.append(f"{x(i):.1f},{y(v):.1f}")
            body.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}">'
                        f'<title>{escape(labels[i])}: {v:g}</title></circle>')
        if run:
            paths.append(run)
        body += [f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(p)}"/>'
                 for p in paths if len(p) > 1]
        body.append(f'<rect x="{LEFT + 10 + 110 * k}" y="{H - 12}" width="10" height="10" fill="{colour}"/>'
                    f'<text x="{LEFT + 24 + 110 * k}" y="{H - 3}">{escape(name)}</text>')
    return _svg(title, "".join(body))


def bars(title: str, labels: Sequence[str], values: Sequence[Any], colour: str = COLOURS[0],
         show_values: bool = False) -> str:
    """Vertical bars; a hidden value gets no bar and a "<5" label."""
    n = max(1, len(labels))
    nums = [_num(v) for v in values]
    top = _top(nums)
    span = W - LEFT - RIGHT
    bw = span / n

    def x(i: int) -> float:
        return LEFT + bw * (i + 0.5)

    body = [_axis(top, labels, x)]
    for i, (v, raw) in enumerate(zip(nums, values, strict=True)):
        if v is None:
            if raw is not None:
                body.append(f'<text x="{x(i):.1f}" y="{H - BOTTOM - 4}" text-anchor="middle" fill="#999" '
                            f'font-size="9">{escape(str(raw))}</text>')
            continue
        h = (H - TOP - BOTTOM) * v / top
        body.append(f'<rect x="{x(i) - bw * 0.4:.1f}" y="{H - BOTTOM - h:.1f}" width="{bw * 0.8:.1f}" '
                    f'height="{h:.1f}" fill="{colour}"><title>{escape(labels[i])}: {v:g}</title></rect>')
        if show_values:
            body.append(f'<text x="{x(i):.1f}" y="{H - BOTTOM - h - 3:.1f}" text-anchor="middle">{v:g}</text>')
    return _svg(title, "".join(body))


def heatmap(title: str, rows: Sequence[tuple[str, Sequence[Any]]], columns: Sequence[str]) -> str:
    """Shares 0-1 as shades of blue, with the value written in; "<5" grey; not yet begun empty."""
    cw, ch, lw = 64, 24, 110
    w, h = lw + cw * len(columns) + 10, 22 + ch * max(1, len(rows)) + 6
    body = [f'<text x="{lw + cw * i + cw / 2}" y="14" text-anchor="middle" fill="#555">{escape(c)}</text>'
            for i, c in enumerate(columns)]
    for r, (label, cells) in enumerate(rows):
        y = 22 + ch * r
        body.append(f'<text x="{lw - 6}" y="{y + 16}" text-anchor="end">{escape(label)}</text>')
        for i, v in enumerate(cells):
            x = lw + cw * i
            if v is None:
                continue
            share = _num(v)
            if share is None:
                fill, text, ink = "#dddddd", str(v), "#555"
            else:
                fill, text = f"rgb({int(235 - 190 * share)},{int(242 - 140 * share)},{int(250 - 60 * share)})", \
                    f"{100 * share:.0f}%"
                ink = "#fff" if share > 0.55 else "#222"
            body.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cw - 2}" height="{ch - 2}" fill="{fill}">'
                        f'<title>{escape(label)} {escape(columns[i])}: {escape(text)}</title></rect>'
                        f'<text x="{x + cw / 2}" y="{y + 16}" text-anchor="middle" fill="{ink}">{escape(text)}</text>')
    if not rows:
        body.append(f'<text x="{lw}" y="40" fill="#777">no signups in this range</text>')
    return _svg(title, "".join(body), w, h)
