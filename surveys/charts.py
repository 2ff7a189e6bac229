"""Charts drawn on the server as inline SVG: readable without JavaScript, with text alternatives, and
every text escaped. The table behind each chart is rendered beside it by the page.

Segments are told apart by colour, by pattern (for people who do not see the colours) and, where wide
enough, by the count written inside; every colour passes WCAG AA against white (4.5:1 for text, 3:1 for
shapes). In a right-to-left language the chart is mirrored: labels on the right, bars growing leftwards.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .analysis import CATEGORIES, CATEGORY_LABELS, NO, NOT_ANSWERED, PARTIAL, YES, Counts, percent_text

WIDTH = 760
LABEL_WIDTH = 230
GAP = 8
MARGIN = 40  # room for the last axis label
BAR_AREA = WIDTH - LABEL_WIDTH - GAP - MARGIN
TOP = 26
ROW = 24
BAR_HEIGHT = 16
LEGEND = 40
TEXT = "#212529"  # 15.4:1 on white
MUTED = "#595959"  # 7:1 on white

# fill, pattern line colour, text colour in the segment, pattern kind
STYLES = {
    YES: ("#1e6b34", None, "#ffffff", None),  # 6.6:1 with white
    PARTIAL: ("#8a4f00", "#ffffff", "#ffffff", "stripes"),  # 6.5:1 with white
    NO: ("#a4161a", "#ffffff", "#ffffff", "cross"),  # 7.4:1 with white
    NOT_ANSWERED: ("#ffffff", "#767676", TEXT, "hatch"),  # grey outline and hatching, 4.5:1
}
# Characters that XML 1.0 does not allow, whatever the escaping.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Bar:
    """One bar: a label (short, shown), a title (long, in the tooltip), the counts, and where each
    segment leads."""

    label: str
    title: str
    counts: Counts
    link: Callable[[str], str]


def _text(value) -> str:
    """Escaped for XML text and attribute values."""
    return escape(_NOT_XML.sub("", str(value)))


def _fit(text: str, units: int = 36) -> str:
    """Shorten a label to about `units` Latin characters' width (wide characters count twice)."""
    used, kept = 0, []
    for char in text:
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > units:
            return "".join(kept).rstrip() + "…"
        kept.append(char)
    return text


def _defs(prefix: str) -> str:
    parts = []
    for category, (fill, line, _text_colour, kind) in STYLES.items():
        if kind is None:
            continue
        pid = f"{prefix}-{category}"
        if kind == "stripes":
            body = f'<path d="M0 0V6" stroke="{line}" stroke-width="2" stroke-opacity=".5"/>'
            transform = ' patternTransform="rotate(45)"'
        elif kind == "cross":
            body = f'<path d="M0 0L6 6M6 0L0 6" stroke="{line}" stroke-width="1.2" stroke-opacity=".55"/>'
            transform = ""
        else:
            body = f'<path d="M0 0V6" stroke="{line}" stroke-width="1.5"/>'
            transform = ' patternTransform="rotate(-45)"'
        parts.append(
            f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse"{transform}>'
            f'<rect width="6" height="6" fill="{fill}"/>{body}</pattern>'
        )
    return "<defs>" + "".join(parts) + "</defs>"


def _paint(prefix: str, category: str) -> str:
    fill, _line, _colour, kind = STYLES[category]
    return f"url(#{prefix}-{category})" if kind else fill


def compliance_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    bidi: bool = False,
    font_family: str = "system-ui, sans-serif",
) -> SafeString:
    """A horizontal stacked bar chart, one bar per provision, each bar the share of the States expected
    to answer it that said yes, partly, no, or have not answered. Each segment links to its States.
    `font_family` lets a PDF name the fonts it embeds for the chart's language."""
    prefix = re.sub(r"[^A-Za-z0-9_-]", "", chart_id) or "chart"
    height = TOP + ROW * max(len(bars), 1) + LEGEND
    bar_start = LABEL_WIDTH + GAP

    def x(start: float, width: float = 0) -> float:
        """Horizontal position of a span, mirrored in right-to-left languages."""
        return round(WIDTH - start - width if bidi else start, 2)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="compliance-chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" font-family="{_text(font_family)}" '
        f'font-size="12" direction="{"rtl" if bidi else "ltr"}">',
        f'<title id="{prefix}-title">{_text(title)}</title>',
        f'<desc id="{prefix}-desc">{_text(description)}</desc>',
        _defs(prefix),
    ]
    # Axis: 0, 25, 50, 75, 100 %.
    bottom = TOP + ROW * max(len(bars), 1)
    for step in range(5):
        position = bar_start + BAR_AREA * step / 4
        out.append(
            f'<line x1="{x(position)}" x2="{x(position)}" y1="{TOP - 4}" y2="{bottom}" '
            f'stroke="#adb5bd" stroke-width="1"/>'
            f'<text x="{x(position)}" y="{TOP - 8}" text-anchor="middle" fill="{MUTED}">'
            f"{_text(percent_text(step * 25))}</text>"
        )
    for index, bar in enumerate(bars):
        y = TOP + ROW * index + (ROW - BAR_HEIGHT) / 2
        baseline = y + BAR_HEIGHT / 2 + 4
        out.append(
            f'<g><title>{_text(bar.title)}</title><text x="{x(LABEL_WIDTH)}" y="{baseline}" '
            f'text-anchor="end" fill="{TEXT}">{_text(_fit(bar.label))}</text></g>'
        )
        counts = bar.counts
        if not counts.expected:
            out.append(
                f'<rect x="{x(bar_start, BAR_AREA)}" y="{y}" width="{BAR_AREA}" height="{BAR_HEIGHT}" '
                f'fill="none" stroke="#767676" stroke-dasharray="3 3"/>'
                f'<text x="{x(bar_start + 6)}" y="{baseline}" text-anchor="start" fill="{MUTED}">'
                f"{_text(_('No State is expected to answer'))}</text>"
            )
            continue
        offset = 0.0
        for category in CATEGORIES:
            count = counts.get(category)
            if not count:
                continue
            width = BAR_AREA * count / counts.expected
            start = bar_start + offset
            offset += width
            _fill, _line, colour, _kind = STYLES[category]
            tip = _("%(provision)s — %(answer)s: %(count)s of %(expected)s States (%(percent)s)") % {
                "provision": bar.title,
                "answer": CATEGORY_LABELS[category],
                "count": count,
                "expected": counts.expected,
                "percent": percent_text(counts.percent(category)),
            }
            outline = ' stroke="#767676" stroke-width="1"' if category == NOT_ANSWERED else ""
            segment = [
                f'<a href="{_text(bar.link(category))}"><title>{_text(tip)}</title>',
                f'<rect x="{x(start, width):.2f}" y="{y}" width="{width:.2f}" height="{BAR_HEIGHT}" '
                f'fill="{_paint(prefix, category)}"{outline}/>',
            ]
            label = str(count)
            if width >= 8 * len(label) + 6:
                halo = STYLES[category][0]
                segment.append(
                    f'<text x="{x(start + width / 2):.2f}" y="{baseline}" text-anchor="middle" '
                    f'fill="{colour}" stroke="{halo}" stroke-width="3" paint-order="stroke" '
                    f'font-weight="600">{label}</text>'
                )
            segment.append("</a>")
            out.append("".join(segment))
    # Legend: swatch and label for each segment, the pattern as in the bars.
    legend_y = bottom + 14
    position = 0.0
    for category in CATEGORIES:
        label = str(CATEGORY_LABELS[category])
        outline = ' stroke="#767676"' if category == NOT_ANSWERED else ""
        out.append(
            f'<rect x="{x(position, 14)}" y="{legend_y}" width="14" height="14" '
            f'fill="{_paint(prefix, category)}"{outline}/>'
            f'<text x="{x(position + 20)}" y="{legend_y + 11}" text-anchor="start" fill="{TEXT}">'
            f"{_text(label)}</text>"
        )
        position += 40 + 8 * len(label)
    out.append("</svg>")
    # Every text and attribute value above went through `_text` (escaped, XML-safe); the rest is ours.
    return mark_safe("".join(out))  # noqa: S308
