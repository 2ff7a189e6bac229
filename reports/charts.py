"""Vector charts for the PDF reports that the analysis pages do not have: a ranking (one bar per item,
its length the value). Same conventions as `surveys.charts`: every text escaped, mirrored in right-to-left
languages, the numbers written beside the bars so the chart reads without colour."""

from django.utils.safestring import SafeString, mark_safe

from surveys.charts import MUTED, TEXT, _fit, _text

WIDTH = 760
LABEL_WIDTH = 260
GAP = 8
VALUE_WIDTH = 70
ROW = 22
BAR_HEIGHT = 14
BAR_COLOUR = "#1f4e79"  # 8.6:1 on white


def ranking_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    items: list[tuple[str, float, str]],
    bidi: bool = False,
    font_family: str = "sans-serif",
) -> SafeString:
    """Horizontal bars, one per (label, value, value as written) in the given order."""
    height = ROW * max(len(items), 1) + 8
    area = WIDTH - LABEL_WIDTH - GAP - VALUE_WIDTH
    top = max((value for _label, value, _text_value in items), default=0) or 1

    def x(start: float, width: float = 0) -> float:
        return round(WIDTH - start - width if bidi else start, 2)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'font-family="{_text(font_family)}" font-size="12" direction="{"rtl" if bidi else "ltr"}">',
        f"<title>{_text(title)}</title><desc>{_text(description)}</desc>",
    ]
    for index, (label, value, value_text) in enumerate(items):
        y = ROW * index + 4
        baseline = y + BAR_HEIGHT / 2 + 4
        width = area * value / top
        out.append(
            f'<text x="{x(LABEL_WIDTH)}" y="{baseline}" text-anchor="end" fill="{TEXT}">'
            f"{_text(_fit(label, 40))}</text>"
            f'<rect x="{x(LABEL_WIDTH + GAP, width):.2f}" y="{y}" width="{width:.2f}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOUR}"/>'
            f'<text x="{x(LABEL_WIDTH + GAP + width + 4)}" y="{baseline}" text-anchor="start" fill="{MUTED}">'
            f"{_text(value_text)}</text>"
        )
    out.append("</svg>")
    # Every text and attribute value above went through `_text` (escaped, XML-safe); the rest is ours.
    return mark_safe("".join(out))  # noqa: S308
