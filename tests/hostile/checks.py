"""The properties the hostile-input tests assert, shared by the modules."""

import html

from surveys.services.offline import FORMULA_STARTS

# Markup that only an unescaped posted payload could put in a page (the portal's own pages load scripts
# from files and never use inline event handlers).
LIVE_MARKUP = ("<script>alert", "<img src=x onerror", "<svg/onload", "<svg onload")


def rows(*models) -> dict[str, list[tuple]]:
    """Every row of the given models, in a comparable form: what a refused request must leave alone."""
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in models}


def assert_inert(page: str) -> None:
    """No posted markup is live in the page."""
    for live in LIVE_MARKUP:
        assert live not in page, live


def assert_escaped_in(page: str, text: str) -> None:
    """`text` is on the page, as text: its markup escaped, never live."""
    assert_inert(page)
    assert html.escape(text) in page or html.escape(text, quote=False) in page, text[:80]


def is_neutral(cell) -> bool:
    """A spreadsheet cell no program runs as a formula: not text, or text not starting like a formula."""
    return not isinstance(cell, str) or not cell.startswith(FORMULA_STARTS)
