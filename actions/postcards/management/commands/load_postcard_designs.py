"""Create the campaign's postcard designs: safe to run any number of times.

Each design is drawn by the project itself (actions/postcards/drawings.py) and
created only if no design has its short name yet; a design staff have edited,
replaced or switched off is left exactly as it is. `load_seed` runs this too.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from actions.postcards import drawings
from actions.postcards.models import PostcardDesign

DESIGNS = [
    {
        "slug": "candle",
        "title": "Candle",
        "alt_text": {
            "en": "A yellow candle burning on a black background, its flame circled by rings of light.",
            "ar": "شمعة صفراء مشتعلة على خلفية سوداء، تحيط بلهبها حلقات من الضوء.",
            "fr": "Une bougie jaune allumée sur fond noir, sa flamme entourée d’anneaux de lumière.",
            "es": "Una vela amarilla encendida sobre fondo negro, con la llama rodeada de anillos de luz.",
        },
        "caption": {
            "en": "A light against trafficking",
            "ar": "نورٌ في وجه الاتجار بالبشر",
            "fr": "Une lumière contre la traite",
            "es": "Una luz contra la trata",
        },
    },
    {
        "slug": "broken-chain",
        "title": "Broken chain",
        "alt_text": {
            "en": "A black chain on a yellow background, its middle link broken in two.",
            "ar": "سلسلة سوداء على خلفية صفراء، حلقتها الوسطى مكسورة نصفين.",
            "fr": "Une chaîne noire sur fond jaune, dont le maillon central est brisé en deux.",
            "es": "Una cadena negra sobre fondo amarillo, con el eslabón central partido en dos.",
        },
        "caption": {
            "en": "Break the chains of trafficking",
            "ar": "لنكسر قيود الاتجار بالبشر",
            "fr": "Brisons les chaînes de la traite",
            "es": "Rompamos las cadenas de la trata",
        },
    },
    {
        "slug": "dove",
        "title": "Dove",
        "alt_text": {
            "en": "A yellow dove in flight on a black background, carrying a sprig of olive leaves.",
            "ar": "حمامة صفراء تحلّق على خلفية سوداء، تحمل غصن زيتون.",
            "fr": "Une colombe jaune en vol sur fond noir, portant un rameau d’olivier.",
            "es": "Una paloma amarilla en vuelo sobre fondo negro, con una rama de olivo en el pico.",
        },
        "caption": {
            "en": "Every woman has the right to live free from violence",
            "ar": "لكل امرأة الحق في حياة خالية من العنف",
            "fr": "Chaque femme a le droit de vivre sans violence",
            "es": "Toda mujer tiene derecho a una vida libre de violencia",
        },
    },
]


class Command(BaseCommand):
    help = "Create the campaign's postcard designs (drawn with Pillow) that do not exist yet, in every language."

    def handle(self, *args, **options):
        created = []
        with transaction.atomic():
            for position, seed in enumerate(DESIGNS):
                if PostcardDesign.objects.filter(slug=seed["slug"]).exists():
                    continue
                design = PostcardDesign(
                    slug=seed["slug"],
                    title=seed["title"],
                    sort_order=position,
                    image=SimpleUploadedFile(f"{seed['slug']}.png", drawings.drawing(seed["slug"]), content_type="image/png"),
                    **{f"alt_text_{code}": text for code, text in seed["alt_text"].items()},
                    **{f"caption_{code}": text for code, text in seed["caption"].items()},
                )
                # The picture is our own drawing; everything else is checked as in the admin.
                design.full_clean(exclude=["image"])
                design.save()
                created.append(seed["slug"])
        if created:
            self.stdout.write(self.style.SUCCESS("Created postcard designs: " + ", ".join(created)))
        else:
            self.stdout.write(self.style.SUCCESS("Postcard designs already loaded; nothing changed."))
