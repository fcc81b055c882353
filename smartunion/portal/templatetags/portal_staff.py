"""The 职工之家 binding on the staff's member page (``{% worker_binding person can_change %}``)."""

from django import template

from smartunion.portal.models import WorkerBinding

register = template.Library()


@register.inclusion_tag("portal/_staff_binding.html", takes_context=True)
def worker_binding(context, person, can_change):
    found = WorkerBinding.objects.filter(person=person).first()
    return {
        "binding": found,
        "person": person,
        "can_change": can_change,
        "csrf_token": context.get("csrf_token"),
    }
