from django.urls import path

from .views import directory, groups, memberships, notifications, people

app_name = "community"

urlpatterns = [
    path("", people.index, name="index"),
    # Notifications
    path("meldingen/", notifications.notifications, name="notifications"),
    path("meldingen/gelezen/", notifications.notifications_mark_read, name="notifications_mark_read"),
    path("meldingen/test/", notifications.notification_test, name="notification_test"),
    # People
    path("profiel/", people.profile_edit, name="profile"),
    path("leden/", people.member_list, name="members"),
    path("leden/<int:pk>/", people.member_detail, name="member"),
    path("leden/<int:pk>/foto/", people.member_avatar, name="member_avatar"),
    # Linking yourself to an organisation (docs/community.md)
    path("koppelen/", memberships.membership_request, name="membership_request"),
    path("koppelen/nieuwe-organisatie/", memberships.organisation_propose, name="organisation_propose"),
    path(
        "koppelen/organisaties/<slug:slug>/",
        memberships.membership_request_organisation,
        name="membership_request_organisation",
    ),
    path(
        "koppelen/aanvragen/<int:pk>/intrekken/",
        memberships.membership_request_withdraw,
        name="membership_request_withdraw",
    ),
    path("koppelen/beslissen/", memberships.membership_requests_manage, name="membership_requests_manage"),
    path("koppelen/beslissen/<int:pk>/", memberships.membership_request_decide, name="membership_request_decide"),
    # Organisations (public)
    path("organisaties/", directory.organisation_list, name="organisations"),
    path("organisaties/dekking/", directory.coverage, name="coverage"),
    path("organisaties/<slug:slug>/", directory.organisation_detail, name="organisation"),
    # Intervision groups
    path("groepen/", groups.group_list, name="groups"),
    path("groepen/nieuw/", groups.group_create, name="group_create"),
    path("groepen/<slug:slug>/", groups.group_detail, name="group"),
    path("groepen/<slug:slug>/bewerken/", groups.group_edit, name="group_edit"),
    path("groepen/<slug:slug>/aansluiten/", groups.group_join, name="group_join"),
    path("groepen/<slug:slug>/aanvragen/", groups.group_request, name="group_request"),
    path("groepen/<slug:slug>/aanvraag-intrekken/", groups.group_request_withdraw, name="group_request_withdraw"),
    path("groepen/<slug:slug>/verlaten/", groups.group_leave, name="group_leave"),
    path("groepen/<slug:slug>/beheer/", groups.group_manage, name="group_manage"),
    path("groepen/<slug:slug>/uitnodigen/", groups.group_invite, name="group_invite"),
    path("groepen/<slug:slug>/aanvragen/<int:pk>/", groups.group_request_decide, name="group_request_decide"),
    path(
        "groepen/<slug:slug>/uitnodigingen/<int:pk>/intrekken/",
        groups.group_invitation_revoke,
        name="group_invitation_revoke",
    ),
    path("groepen/<slug:slug>/leden/<int:pk>/verwijderen/", groups.group_member_remove, name="group_member_remove"),
    path("groepen/<slug:slug>/leden/<int:pk>/rol/", groups.group_member_role, name="group_member_role"),
    path("groepen/<slug:slug>/activiteit/", groups.group_activity, name="group_activity"),
    path("uitnodiging/<str:token>/", groups.invitation, name="invitation"),
]
