"""Create the Kosovo appeal, in every language: safe to run any number of times.

`manage.py load_seed` calls it once the campaign and the Kosovo story exist.
An action that already exists (by its slug) is left exactly as staff have
edited it, even if they emptied a field or unpublished it; only what is
missing is created. The appeal is built from what the Kosovo page calls on
the authorities in Kosovo, and on the UN and NATO, to do.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from actions.petitions.models import Action
from campaign.models import Campaign
from stories.models import Story

CAMPAIGN_SLUG = "stop-violence-against-women"
STORY_SLUG = "kosovo-trafficked-women-and-girls"

KOSOVO_APPEAL = {
    "slug": "kosovo-end-trafficking-of-women-and-girls",
    "goal": 10000,
    "text": {
        "en": {
            "title": "Kosovo: end the trafficking of women and girls",
            "summary": (
                "Women and girls are trafficked into Kosovo and forced into prostitution, and none of them has received redress. "
                "Call on the authorities in Kosovo, the UN and NATO to end the trafficking, protect its victims and bring those responsible to justice."
            ),
            "targets": "The authorities in Kosovo\nThe United Nations and NATO",
            "appeal": (
                "I call on the authorities in Kosovo to implement measures to end the trafficking of women and girls to, from and within Kosovo "
                "for forced prostitution.\n\n"
                "I ask them to ensure that victims of trafficking are protected and treated as victims of human rights abuses, not as criminals, "
                "and that they receive redress and reparation for the abuses they have suffered.\n\n"
                "I call on the United Nations and NATO to ensure that any members of military and civilian peacekeeping forces suspected of "
                "criminal offences associated with trafficking are brought to justice."
            ),
        },
        "ar": {
            "title": "كوسوفو: أوقفوا الاتجار بالنساء والفتيات",
            "summary": (
                "يُتاجَر بالنساء والفتيات ويُجلَبن إلى كوسوفو حيث يُكرَهن على البغاء، ولم تحصل أيٌّ منهن حتى اليوم على الإنصاف. "
                "طالِب السلطات في كوسوفو والأمم المتحدة وحلف شمال الأطلسي (الناتو) بوضع حد لهذا الاتجار، وحماية ضحاياه، وتقديم المسؤولين عنه إلى العدالة."
            ),
            "targets": "السلطات في كوسوفو\nالأمم المتحدة وحلف شمال الأطلسي (الناتو)",
            "appeal": (
                "أدعو السلطات في كوسوفو إلى تنفيذ تدابير تضع حدًا للاتجار بالنساء والفتيات لأغراض البغاء القسري، إلى كوسوفو ومنها وداخلها.\n\n"
                "وأطالبها بأن تضمن حماية ضحايا الاتجار ومعاملتهن باعتبارهن ضحايا لانتهاكات حقوق الإنسان لا باعتبارهن مجرمات، "
                "وحصولهن على الإنصاف وجبر الضرر عما تعرّضن له من انتهاكات.\n\n"
                "وأدعو الأمم المتحدة وحلف شمال الأطلسي (الناتو) إلى ضمان تقديم أي فرد من أفراد قوات حفظ السلام العسكرية والمدنية "
                "يُشتبه في ارتكابه جرائم مرتبطة بالاتجار بالبشر إلى العدالة."
            ),
        },
        "fr": {
            "title": "Kosovo : mettez fin à la traite des femmes et des filles",
            "summary": (
                "Des femmes et des filles sont victimes de la traite vers le Kosovo et contraintes à la prostitution, et aucune n’a obtenu réparation. "
                "Demandez aux autorités du Kosovo, à l’ONU et à l’OTAN de mettre fin à la traite, de protéger ses victimes "
                "et de traduire les responsables en justice."
            ),
            "targets": "Les autorités du Kosovo\nL’Organisation des Nations unies et l’OTAN",
            "appeal": (
                "Je demande aux autorités du Kosovo d’adopter des mesures pour mettre fin à la traite des femmes et des filles à des fins de "
                "prostitution forcée, à destination du Kosovo, au départ du Kosovo et à l’intérieur de son territoire.\n\n"
                "Je leur demande de veiller à ce que les victimes de la traite soient protégées et traitées comme des victimes d’atteintes aux "
                "droits humains, et non comme des criminelles, et qu’elles obtiennent des recours et des réparations pour les "
                "atteintes qu’elles ont subies.\n\n"
                "Je demande à l’Organisation des Nations unies et à l’OTAN de veiller à ce que tout membre des forces militaires et civiles de "
                "maintien de la paix soupçonné d’infractions pénales liées à la traite soit traduit en justice."
            ),
        },
        "es": {
            "title": "Kosovo: fin a la trata de mujeres y niñas",
            "summary": (
                "Mujeres y niñas son víctimas de trata hacia Kosovo y obligadas a prostituirse, y ninguna ha recibido resarcimiento. "
                "Pide a las autoridades de Kosovo, a la ONU y a la OTAN que acaben con la trata, protejan a sus víctimas "
                "y lleven ante la justicia a los responsables."
            ),
            "targets": "Las autoridades de Kosovo\nLas Naciones Unidas y la OTAN",
            "appeal": (
                "Pido a las autoridades de Kosovo que apliquen medidas para acabar con la trata de mujeres y niñas con fines de prostitución "
                "forzada hacia Kosovo, desde Kosovo y dentro de Kosovo.\n\n"
                "Les pido que garanticen que las víctimas de trata reciban protección y sean tratadas como víctimas de abusos contra los derechos "
                "humanos, no como delincuentes, y que obtengan resarcimiento y reparación por los abusos que han sufrido.\n\n"
                "Pido a las Naciones Unidas y a la OTAN que garanticen que todo miembro de las fuerzas militares y civiles de mantenimiento de la "
                "paz sospechoso de haber cometido delitos relacionados con la trata comparezca ante la justicia."
            ),
        },
    },
}
FIELDS = ("title", "summary", "targets", "appeal")


class Command(BaseCommand):
    help = "Create the Kosovo appeal in every language, if it is missing. Never changes an action that exists."

    def handle(self, *args, **options):
        with transaction.atomic():
            message = load_actions()
        self.stdout.write(self.style.SUCCESS(message))


def load_actions():
    if Action.objects.filter(slug=KOSOVO_APPEAL["slug"]).exists():
        return "Actions already loaded; nothing changed."
    campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None:
        return "No campaign to add the Kosovo appeal to: run manage.py load_seed."
    action = Action(
        campaign=campaign,
        story=Story.objects.filter(slug=STORY_SLUG).first(),
        slug=KOSOVO_APPEAL["slug"],
        goal=KOSOVO_APPEAL["goal"],
        status=Action.Status.PUBLISHED,
    )
    for language, text in KOSOVO_APPEAL["text"].items():
        for field in FIELDS:
            setattr(action, f"{field}_{language}", text[field])
    action.save()
    return f"Created: action {action.slug}"
