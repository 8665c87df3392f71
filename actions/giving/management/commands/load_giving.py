"""Load what the giving pages offer: safe to run any number of times.

Creates only what is missing (a currency by its code, a membership type by
its slug, a way to give by its English title); anything that exists is left
exactly as staff have edited it, presets included.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from actions.giving.models import Currency, DonationOption, MembershipType, WayToGive

# code -> (smallest, largest, presets), in minor units
CURRENCIES = {
    "GBP": (200, 1_000_000, [500, 1000, 2500, 5000]),
    "EUR": (200, 1_000_000, [500, 1000, 2500, 5000]),
    "USD": (200, 1_000_000, [500, 1000, 2500, 5000]),
}

MEMBERSHIP_TYPES = [
    {
        "slug": "standard",
        "fee": 3600,
        "currency": "EUR",
        "period_months": 12,
        "name": {"en": "Standard membership", "ar": "عضوية عادية", "fr": "Adhésion standard", "es": "Membresía estándar"},
        "description": {
            "en": "Vote at your section's general assembly and hear first about our research and campaigns.",
            "ar": "صوّت في الجمعية العامة لفرعك، وكن أول من يعرف عن أبحاثنا وحملاتنا.",
            "fr": "Votez à l'assemblée générale de votre section et soyez parmi les premiers informés de nos recherches et campagnes.",
            "es": "Vota en la asamblea general de tu sección y entérate antes que nadie de nuestras investigaciones y campañas.",
        },
    },
    {
        "slug": "reduced",
        "fee": 1200,
        "currency": "EUR",
        "period_months": 12,
        "name": {"en": "Reduced membership", "ar": "عضوية مخفّضة", "fr": "Adhésion à tarif réduit", "es": "Membresía reducida"},
        "description": {
            "en": "For students, people on low incomes and anyone for whom the standard fee is too much. The same rights as every member.",
            "ar": "للطلاب وذوي الدخل المحدود وكل من يجد الرسم العادي مرتفعاً. ولأصحابها الحقوق نفسها التي لكل عضو.",
            "fr": (
                "Pour les étudiants, les personnes à faibles revenus et toute personne pour qui la cotisation standard est trop élevée. "
                "Les mêmes droits que tout membre."
            ),
            "es": (
                "Para estudiantes, personas con bajos ingresos y cualquiera para quien la cuota estándar sea excesiva. "
                "Los mismos derechos que cualquier miembro."
            ),
        },
    },
]

# The bank transfer is created hidden: its account number is an example, to be
# replaced by the section's real one in the admin before it is shown to anyone.
WAYS_TO_GIVE = [
    {
        "active": False,
        "title": {"en": "Bank transfer", "ar": "التحويل المصرفي", "fr": "Virement bancaire", "es": "Transferencia bancaria"},
        "details": {
            "en": "Amnesty International\nIBAN: GB00 AMNE 0000 0000 0000 00\nBIC: AMNEGB00\n\nPlease give your gift's reference with the transfer.",
            "ar": "منظمة العفو الدولية\nIBAN: GB00 AMNE 0000 0000 0000 00\nBIC: AMNEGB00\n\nيُرجى ذكر الرقم المرجعي لتبرعك مع التحويل.",
            "fr": "Amnesty International\nIBAN : GB00 AMNE 0000 0000 0000 00\nBIC : AMNEGB00\n\nMerci d'indiquer la référence de votre don avec le virement.",
            "es": "Amnistía Internacional\nIBAN: GB00 AMNE 0000 0000 0000 00\nBIC: AMNEGB00\n\nIndica la referencia de tu donativo al hacer la transferencia.",
        },
        "link_url": {},
        "link_label": {},
    },
    {
        "active": True,
        "title": {
            "en": "Through your local section",
            "ar": "عن طريق الفرع المحلي",
            "fr": "Par votre section locale",
            "es": "A través de tu sección local",
        },
        "details": {
            "en": "Amnesty International sections in many countries take gifts in their own currency, some with tax relief.",
            "ar": "تقبل فروع منظمة العفو الدولية في بلدان كثيرة التبرعات بعملتها المحلية، وبعضها بإعفاء ضريبي.",
            "fr": "Dans de nombreux pays, les sections d'Amnesty International reçoivent les dons dans la monnaie locale, parfois avec une réduction d'impôt.",
            "es": "En muchos países, las secciones de Amnistía Internacional aceptan donativos en su propia moneda, algunas con desgravación fiscal.",
        },
        "link_url": {
            "en": "https://www.amnesty.org/en/donate/",
            "ar": "https://www.amnesty.org/ar/donate/",
            "fr": "https://www.amnesty.org/fr/donate/",
            "es": "https://www.amnesty.org/es/donate/",
        },
        "link_label": {
            "en": "Find your section's donation page",
            "ar": "ابحث عن صفحة التبرع في فرعك",
            "fr": "Trouver la page de dons de votre section",
            "es": "Busca la página de donativos de tu sección",
        },
    },
]


def translated(field, values):
    return {f"{field}_{code}": value for code, value in values.items()}


class Command(BaseCommand):
    help = "Create the giving pages' currencies, membership types and ways to give, in every language, where missing."

    def handle(self, *args, **options):
        created = []
        with transaction.atomic():
            for position, (code, (minimum, maximum, presets)) in enumerate(CURRENCIES.items()):
                if Currency.objects.filter(code=code).exists():
                    continue
                currency = Currency.objects.create(code=code, minimum=minimum, maximum=maximum, sort_order=position)
                DonationOption.objects.bulk_create(DonationOption(currency=currency, amount=amount, sort_order=n) for n, amount in enumerate(presets))
                created.append(f"currency {code}")
            for position, seed in enumerate(MEMBERSHIP_TYPES):
                if MembershipType.objects.filter(slug=seed["slug"]).exists():
                    continue
                MembershipType.objects.create(
                    slug=seed["slug"],
                    fee=seed["fee"],
                    currency=seed["currency"],
                    period_months=seed["period_months"],
                    sort_order=position,
                    **translated("name", seed["name"]),
                    **translated("description", seed["description"]),
                )
                created.append(f"membership type {seed['slug']}")
            for position, seed in enumerate(WAYS_TO_GIVE):
                if WayToGive.objects.filter(title_en=seed["title"]["en"]).exists():
                    continue
                WayToGive.objects.create(
                    sort_order=position,
                    active=seed["active"],
                    **translated("title", seed["title"]),
                    **translated("details", seed["details"]),
                    **translated("link_url", seed["link_url"]),
                    **translated("link_label", seed["link_label"]),
                )
                created.append(f"way to give {seed['title']['en']}")
        summary = "Created: " + ", ".join(created) if created else "Giving options already loaded; nothing changed."
        self.stdout.write(self.style.SUCCESS(summary))
