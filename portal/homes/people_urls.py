from django.urls import path

from portal.homes import people_views as views
from portal.homes.pickers import picker_options

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/homes/link/", views.link_home, name="link_home"),
    path("<int:pk>/homes/<int:link_pk>/unlink/", views.unlink_home, name="unlink_home"),
    # The <option>s of a record picker (homes, people, leases, locations) for the people, lease and document forms.
    path("options/<slug:kind>/", picker_options, name="picker_options"),
]
