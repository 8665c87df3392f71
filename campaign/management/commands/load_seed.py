"""Load the campaign's seed content: safe to run any number of times.

A record that does not exist yet is created from the seed. A record that
already exists is left exactly as staff have edited it (even if they emptied a
field), and facts are added only to a story that has none.
"""

import json
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from campaign.models import Campaign, Section
from stories.models import Fact, Report, Story

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
CAMPAIGN_SLUG = "stop-violence-against-women"
SECTION_KINDS = {"stories": Section.Kind.STORIES, "latest": Section.Kind.LATEST, "resources": Section.Kind.RESOURCES}
# Pages reached from the header and footer rather than the campaign menu.
OUT_OF_MENU = {"donate-or-join", "postcards"}


def load_translations():
    return {code: json.loads((SEED_DIR / f"{code}.json").read_text(encoding="utf-8")) for code, _name in settings.LANGUAGES}


class Command(BaseCommand):
    help = "Create the Stop Violence Against Women campaign and its Kosovo story, in every language."

    def handle(self, *args, **options):
        seed = load_translations()
        with transaction.atomic():
            summary = Seeder(seed).run()
        self.stdout.write(self.style.SUCCESS(summary))
        # The postcard designs have a command of their own, also safe to run again.
        call_command("load_postcard_designs", verbosity=options["verbosity"], stdout=self.stdout)
        call_command("load_actions", verbosity=options["verbosity"], stdout=self.stdout)  # the Kosovo appeal, linked to its story
        call_command("load_giving", verbosity=options["verbosity"], stdout=self.stdout)  # currencies, membership types, ways to give


class Seeder:
    def __init__(self, seed):
        self.seed = seed
        self.created = []

    def run(self):
        campaign = self.create_once(Campaign, {"slug": CAMPAIGN_SLUG}, lambda s: s["campaign"], ("title", "intro", "body"), published=True)
        for position, section in enumerate(self.seed["en"]["sections"]):
            role = section.get("role", "")
            # A section that already holds this role is the seed's section under
            # an address staff have changed: it is not missing, and the database
            # allows only one section per role in a campaign.
            if role and Section.objects.filter(campaign=campaign, role=role).exists():
                continue
            self.create_once(
                Section,
                {"campaign": campaign, "slug": section["slug"]},
                lambda s, i=position: s["sections"][i],
                ("title", "intro", "body"),
                defaults={
                    "kind": SECTION_KINDS.get(section["slug"], Section.Kind.PAGE),
                    "role": role,
                    "menu_order": position,
                    "in_menu": section["slug"] not in OUT_OF_MENU,
                },
                published=True,
            )
        report_seed = self.seed["en"]["report"]
        report = self.create_once(
            Report,
            {"slug": report_seed["slug"]},
            lambda s: s["report"],
            ("title", "subtitle", "summary", "publisher"),
            defaults={
                "campaign": campaign,
                "index_number": report_seed["index_number"],
                "published_at": datetime.fromisoformat(report_seed["published_on"] + "T09:00:00+00:00"),
                "external_url_en": report_seed["external_url"],
            },
            published=True,
        )
        story_seed = self.seed["en"]["story"]
        story = self.create_once(
            Story,
            {"slug": story_seed["slug"]},
            lambda s: s["story"],
            ("title", "lead", "body", "calls", "contact"),
            defaults={"campaign": campaign, "report": report, "published_at": datetime.fromisoformat(story_seed["published_at"])},
            published=True,
        )
        if not story.facts.exists():
            for position, _fact in enumerate(story_seed["facts"]):
                texts = {f"text_{code}": self.seed[code]["story"]["facts"][position] for code in self.seed}
                Fact.objects.create(story=story, sort_order=position, **texts)
            self.created.append(f"{len(story_seed['facts'])} facts")
        if not self.created:
            return "Seed content already loaded; nothing changed."
        return "Created: " + ", ".join(self.created)

    def create_once(self, model, lookup, pick, fields, defaults=None, published=False):
        existing = model.objects.filter(**lookup).first()
        if existing is not None:
            return existing
        obj = model(**lookup, **(defaults or {}))
        if published:
            obj.status = model.Status.PUBLISHED
        for code, data in self.seed.items():
            for field in fields:
                setattr(obj, f"{field}_{code}", pick(data).get(field, ""))
        obj.save()
        self.created.append(f"{model._meta.verbose_name} {lookup.get('slug')}")
        return obj
