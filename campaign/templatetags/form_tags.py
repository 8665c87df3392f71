from django import template

register = template.Library()


@register.simple_tag
def described_by(field):
    """The ids of a field's hint and error messages, for aria-describedby (campaign_forms/field.html)."""
    ids = [f"{field.auto_id}_helptext"] if field.help_text else []
    ids += [f"{field.auto_id}_error{number}" for number in range(1, len(field.errors) + 1)]
    return " ".join(ids)
