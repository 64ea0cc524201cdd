from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_notices"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="pdf_failed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="PDF生成失败时间"),
        ),
    ]
