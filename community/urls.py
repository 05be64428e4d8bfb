from django.urls import path

from .views import directory, groups, memberships, notifications, people, rooms

app_name = "community"

urlpatterns = [
    path("", people.index, name="index"),
    # Notifications
    path("meldingen/", notifications.notifications, name="notifications"),
    path("meldingen/gelezen/", notifications.notifications_mark_read, name="notifications_mark_read"),
    path("meldingen/test/", notifications.notification_test, name="notification_test"),
    # Discussion rooms
    path("gesprekken/", rooms.room_list, name="rooms"),
    path("gesprekken/alles-gelezen/", rooms.rooms_read_all, name="rooms_read_all"),
    path("gesprekken/<slug:slug>/", rooms.room_detail, name="room"),
    path("gesprekken/<slug:slug>/gelezen/", rooms.room_read, name="room_read"),
    path("gesprekken/<slug:slug>/meldingen/", rooms.room_notify, name="room_notify"),
    path("gesprekken/<slug:slug>/dempen/", rooms.room_mute, name="room_mute"),
    path("gesprekken/<slug:slug>/archiveren/", rooms.room_archive, name="room_archive"),
    path("gesprekken/<slug:slug>/bijlagen/<int:pk>/<str:name>", rooms.room_attachment, name="room_attachment"),
    path("gesprekken/<slug:slug>/<int:seq>/", rooms.room_message, name="room_message"),
    path("gesprekken/<slug:slug>/<int:seq>/bewerken/", rooms.room_message_edit, name="room_message_edit"),
    path("gesprekken/<slug:slug>/<int:seq>/verwijderen/", rooms.room_message_delete, name="room_message_delete"),
    path("gesprekken/<slug:slug>/<int:seq>/reageren/", rooms.room_message_react, name="room_message_react"),
    path("gesprekken/<slug:slug>/<int:seq>/melden/", rooms.room_message_report, name="room_message_report"),
    path("gesprekken/<slug:slug>/<int:seq>/verbergen/", rooms.room_message_hide, name="room_message_hide"),
    path("moderatie/", rooms.moderation, name="moderation"),
    path("moderatie/meldingen/<int:pk>/afwijzen/", rooms.report_dismiss, name="report_dismiss"),
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
