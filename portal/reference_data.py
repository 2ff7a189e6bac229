"""Loading the States and their treaty status from the data file shipped in the repository."""

import json
from datetime import date
from pathlib import Path

from django.db import transaction

from .models import Country, TreatyParticipation

STATES_FILE = Path(__file__).resolve().parent / "data" / "states.json"
# Language keys in the data file -> modeltranslation field suffixes.
NAME_FIELDS = {
    "en": "name_en",
    "ar": "name_ar",
    "es": "name_es",
    "fr": "name_fr",
    "ru": "name_ru",
    "zh_hans": "name_zh_hans",
}


def _date(value):
    return date.fromisoformat(value) if value else None


def states_load(*, path: Path = STATES_FILE) -> dict[str, int]:
    """Create or update every State and its treaty participations. Running it twice changes nothing."""
    data = json.loads(path.read_text(encoding="utf-8"))
    created = updated = 0
    with transaction.atomic():
        existing = {c.iso2: c for c in Country.objects.all()}
        participations = {(p.country_id, p.treaty): p for p in TreatyParticipation.objects.all()}
        for entry in data["states"]:
            values = {field: entry["names"][key] for key, field in NAME_FIELDS.items()}
            values.update(
                iso3=entry["iso3"], kind=entry["kind"], regional_group=entry["regional_group"] or ""
            )
            country = existing.get(entry["iso2"])
            if country is None:
                country = Country.objects.create(iso2=entry["iso2"], **values)
                created += 1
            elif any(getattr(country, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(country, k, v)
                country.save()
                updated += 1
            for treaty, status in entry["treaties"].items():
                wanted = {
                    "status": status["status"],
                    "signed_on": _date(status.get("signed")),
                    "party_since": _date(status.get("party_since")),
                }
                participation = participations.get((country.pk, treaty))
                if participation is None:
                    TreatyParticipation.objects.create(country=country, treaty=treaty, **wanted)
                elif any(getattr(participation, k) != v for k, v in wanted.items()):
                    for k, v in wanted.items():
                        setattr(participation, k, v)
                    participation.save()
    return {"created": created, "updated": updated, "total": len(data["states"])}
