"""Recording audit events. Every service that changes state calls `audit_record` inside its transaction."""

from typing import Any

from django.db import models

from .models import AuditEvent, Country, User
from .security import login_client_ip


def client_address(request) -> str | None:
    """The client's address as the outermost trusted proxy saw it (or directly): the same rule as the
    sign-in lockout, so the audit trail never records an address the client wrote itself."""
    if request is None:
        return None
    return login_client_ip(request)


def audit_record(
    *,
    actor: User | None,
    action: str,
    summary: str,
    target: models.Model | None = None,
    country: Country | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        country=country,
        summary=summary[:255],
        data=data or {},
        ip_address=ip_address,
    )
