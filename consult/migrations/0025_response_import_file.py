from django.core.files.base import ContentFile
from django.db import migrations, models


def contents_to_files(apps, schema_editor):
    """Move each upload kept in the database to the media storage, one at a time."""
    ResponseImport = apps.get_model("consult", "ResponseImport")
    for upload_id in ResponseImport.objects.values_list("pk", flat=True):
        upload = ResponseImport.objects.get(pk=upload_id)
        upload.file.save(upload.filename, ContentFile(bytes(upload.content)), save=False)
        ResponseImport.objects.filter(pk=upload_id).update(file=upload.file.name)


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
        migrations.RunPython(contents_to_files),
        migrations.RemoveField(
            model_name='responseimport',
            name='content',
        ),
    ]
