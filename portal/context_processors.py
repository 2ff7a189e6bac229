from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from .navigation import nav_items_for


def layout(request):
    """What the shared layout needs on every page: navigation and the six language links."""
    current = get_language()
    path = request.get_full_path()
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name_local": info["name_local"][:1].upper() + info["name_local"][1:],
                "url": translate_url(path, code),
                "current": code == current,
                "bidi": info["bidi"],
            }
        )
    user = getattr(request, "user", None)
    return {
        "nav_items": nav_items_for(user) if user is not None else [],
        "language_links": languages,
    }
