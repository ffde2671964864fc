"""Celery beat (DatabaseScheduler) runs the housekeeping: expired Idempotency-Keys hourly, expired sessions daily.

Rows in django-celery-beat's tables, like the integrations dispatcher (integrations/migrations/0002): an operator
may change or pause them under *Periodic tasks* in the admin, and a later release never overwrites that.
"""

from django.db import migrations

SCHEDULES = [
    # (name, task, every, period, description)
    ("housekeeping: purge expired idempotency keys", "portal.core.tasks.purge_idempotency_records", 1, "hours",
     "Deletes API Idempotency-Key records older than 24 hours (portal.api.idempotency.purge_expired)."),
    ("housekeeping: clear expired sessions", "portal.core.tasks.clear_expired_sessions", 1, "days",
     "Deletes expired sign-in sessions from the database (as manage.py clearsessions)."),
]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, period, description in SCHEDULES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True, "description": description}
        )


def remove(apps, schema_editor):
    names = [name for name, *_ in SCHEDULES]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create, remove)]
