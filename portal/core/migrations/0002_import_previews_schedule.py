"""Celery beat drops homes-CSV previews left unapplied for a day, daily (before, only the organization's next upload
did, so an organization that never uploaded again kept the files)."""

from django.db import migrations

NAME = "housekeeping: drop stale import previews"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = IntervalSchedule.objects.get_or_create(every=1, period="days")
    PeriodicTask.objects.get_or_create(name=NAME, defaults={
        "task": "portal.core.tasks.drop_stale_import_previews", "interval": daily, "enabled": True,
        "description": "Deletes homes-CSV previews (and their files) not applied or cancelled within a day.",
    })


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_housekeeping_schedule")]

    operations = [migrations.RunPython(create, remove)]
