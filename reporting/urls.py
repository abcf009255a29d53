from django.urls import path

from . import views

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("read/", views.notification_read, name="notification-read"),
]
