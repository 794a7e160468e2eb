"""Create the single head row of the chain, so writers never race to create it (R-AUD-1)."""

from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    last = AuditEvent.objects.order_by("-id").first()
    AuditHead.objects.get_or_create(
        pk=1,
        defaults={"last_event_id": last.pk if last else 0, "last_hash": last.hash if last else GENESIS_HASH},
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
