from django.core.files.base import ContentFile
from django.db import migrations, models


def contents_to_files(apps, schema_editor):
    """Move each upload kept in the database to the media storage, one at a time."""
    ResponseImport = apps.get_model("consult", "ResponseImport")
    for upload_id in ResponseImport.objects.values_list("pk", flat=True):
        upload = ResponseImport.objects.get(pk=upload_id)
        upload.file.save(upload.filename, ContentFile(bytes(upload.content)), save=False)
        ResponseImport.objects.filter(pk=upload_id).update(file=upload.file.name)


def files_to_contents(apps, schema_editor):
    """Put each kept upload back in the database, one at a time (migrating back)."""
    ResponseImport = apps.get_model("consult", "ResponseImport")
    for upload_id in ResponseImport.objects.values_list("pk", flat=True):
        upload = ResponseImport.objects.get(pk=upload_id)
        with upload.file.open("rb") as file:
            ResponseImport.objects.filter(pk=upload_id).update(content=file.read())


class Migration(migrations.Migration):

    dependencies = [
        ('consult', '0024_organisation_by_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='responseimport',
            name='file',
            field=models.FileField(default='', upload_to='imports/%Y/%m/'),
            preserve_default=False,
        ),
        # Nullable while the contents move, so that migrating back can add the column before refilling it.
        migrations.AlterField(model_name='responseimport', name='content', field=models.BinaryField(null=True)),
        migrations.RunPython(contents_to_files, files_to_contents),
        migrations.RemoveField(
            model_name='responseimport',
            name='content',
        ),
    ]
