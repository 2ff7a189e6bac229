"""Small hooks the security libraries call: how django-axes names the person and the place of a sign-in."""

from django.conf import settings


def login_username(request, credentials) -> str:
    """E-mail addresses sign in whatever their case, so failures count against the lower-case address."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    # django-axes keeps the name in a column of 255 characters; no real address is longer (RFC 5321
    # allows 254), and a longer one is still counted, under its first 255 characters.
    return username.strip().lower()[:255]


def login_client_ip(request) -> str | None:
    """The client's address: the one the outermost trusted proxy saw, never a value the client wrote.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N trusted
    proxies the client is the N-th entry from the right; anything further left is the client's own word
    and would let an attacker pick a fresh address for each attempt.
    """
    count = settings.OMNIBUS_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None


def record_lockout(sender, request=None, username="", ip_address=None, **kwargs):
    """Each sign-in refused by the lockout goes to the audit trail, so the Secretariat can see an attack."""
    from .audit import audit_record

    audit_record(
        actor=None,
        action="auth.locked_out",
        summary=f"Sign-in paused for {username} after repeated wrong passwords"[:255],
        data={"username": username},
        ip_address=ip_address,
    )
