"""The application's URLs plus a bare DRF view, the yardstick of the load test's
throughput (tests/bench/wsgi.py serves them; never part of the deployed app)."""

from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class Hello(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"hello": "world"})


urlpatterns = [path("bench/hello/", Hello.as_view()), path("", include("cpaudit.urls"))]
