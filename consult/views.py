from django.shortcuts import render

from .models import Consultation


def home(request):
    consultations = Consultation.objects.exclude(status=Consultation.Status.DRAFT)
    return render(request, "consult/home.html", {"consultations": consultations})
