"""Room pages: everything the live room does, as plain pages and forms (works without
JavaScript; static/js/room.js enhances the same page). Thin: rules in `rooms.permissions`,
changes in `rooms.services`. A mistake in the form comes back as the form with its error;
a change refused because the room changed since the page was loaded (the person muted or no
longer a member, the room archived, posting too fast, the message removed) answers with its own
status and the person's text to copy (`_refusal`, samenhuis/refusals.py).

Every room URL goes through `room_view`: unknown rooms and a secret group's room are 404,
anonymous visitors are sent to log in, people who may not read a room get 403 with the reason.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.models import User
from samenhuis.files import private_file_response
from samenhuis.refusals import kept_from_form, kept_from_post, refusal_response

from . import permissions, selectors, services
from .forms import EditForm, MessageForm, MuteForm, NotifyForm, ReactForm, ReportForm
from .models import Attachment, Reaction, Report, Room


def room_view(*, methods=("GET",)):
    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            room = selectors.room_for_slug(slug)
            if not request.user.is_authenticated:
                if room.kind == Room.Kind.GROUP and room.group.visibility == "secret":
                    raise Http404
                return redirect_to_login(request.get_full_path())
            access = permissions.room_access(request.user, room)
            if access.is_hidden:
                if request.method == "POST":  # removed from a secret group while its room was open
                    return refusal_response(request, status=404, kept=kept_from_post(request))
                raise Http404
            if not access.can_read:
                if request.method == "POST":
                    title = _("What you wrote was not saved")
                    return _refusal(request, room, PermissionDenied(), kept=kept_from_post(request), title=title)
                return render(request, "rooms/room_forbidden.html", {"room": room}, status=403)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, room, access, *args, **kwargs)

        return wrapper

    return decorator


def _refused(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, PermissionDenied):
        messages.error(request, _("You may not do that in this room."))
        return
    for message in error.messages:
        messages.error(request, message)


# The status of a refusal caused by a change after the page was loaded, by the service's code;
# other codes are mistakes in the form itself and come back as the form with its error.
REFUSAL_STATUS = {
    "muted": 403,
    "not_member": 409,
    "room_archived": 409,
    "removed": 410,
    "not_found": 410,
    "rate_limited": 429,
}


def _is_refusal(error: ValidationError | PermissionDenied) -> bool:
    return isinstance(error, PermissionDenied) or getattr(error, "code", None) in REFUSAL_STATUS


def _refusal(request, room, error, *, kept, title=None, back=None):
    """The answer to a refused change: its status, the reason, what to do, the text to copy."""
    if isinstance(error, PermissionDenied):
        status, reason = 403, _("Only the members of the group read and write in this room.")
        if room.kind != Room.Kind.GROUP:
            reason = _("You may not do that in this room.")
    else:
        status, reason = REFUSAL_STATUS.get(error.code, 400), " ".join(error.messages)
    advice = {
        "muted": _("You can write again when the mute ends: copy your text to post it then."),
        "rate_limited": _("Wait that long, then go back to the room and paste your text."),
    }.get(getattr(error, "code", None), "")
    return refusal_response(
        request,
        status=status,
        title=title or _("Your message was not posted"),
        reason=reason,
        advice=advice,
        kept=kept,
        back=back or room.get_absolute_url(),
        retry_after=getattr(error, "retry_after", None),
    )


def _client_strings() -> dict:
    """The words static/js/room.js shows, in the page's language."""
    return {
        "deleted_user": _("Deleted user"),
        "edited": _("edited"),
        "deleted": _("Message deleted"),
        "hidden": _("Message hidden by a moderator"),
        "original": _("Original text (visible to moderators)"),
        "reactions": _("Reactions"),
        "reply": _("Reply"),
        "replies": _("Replies: %s"),
        "react_with": _("React with"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "report": _("Report"),
        "new_from": _("New message from %s:"),
        "online": _("online"),
        "offline": _("offline"),
        "sending": _("Sending…"),
        "reconnecting": _("Connection lost; reconnecting. Messages you missed will appear."),
        "closed": _("You can no longer follow this room live. Reload the page."),
        "mention_options": _("Suggestions: %s. Choose with the arrow keys and Enter; Escape closes."),
        "mention_none": _("Nobody in this room matches."),
        "mention_list": _("People to mention"),
        "mention_chosen": _("You mention %s."),
        "send_shortcut": _("Ctrl+Enter (Cmd+Enter on a Mac) sends your message."),
        "react": _("React"),
        "emoji": [(emoji, str(Reaction.LABELS[emoji])) for emoji in Reaction.EMOJI],
    }


def _payloads(messages_, access):
    """Each message with its payload as the viewer may see it (who is named: docs/privacy.md)."""
    payloads = selectors.payloads_for(messages_, viewer=access.user, moderator=access.can_moderate)
    return list(zip(messages_, payloads, strict=True))


def _post(request, room, access, *, parent_seq=None):
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message = services.room_message_post(
                room=room,
                author=request.user,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
                parent_seq=parent_seq,
                files=form.cleaned_data["files"],
                mentions=form.cleaned_data["mentions"],
            )
        except (ValidationError, PermissionDenied) as error:
            if _is_refusal(error):
                return form, _refusal(request, room, error, kept=kept_from_form(form), back=request.path)
            form.add_error("body", error)
        else:
            if parent_seq is None:
                return form, redirect(f"{room.get_absolute_url()}#bericht-{message.seq}")
            return form, redirect(f"{message.parent.get_absolute_url()}#bericht-{message.seq}")
    return form, None


# Room list --------------------------------------------------------------------------------------------


@login_required
def room_list(request):
    summaries = selectors.rooms_for(request.user)
    return render(
        request,
        "rooms/room_list.html",
        {
            "summaries": summaries,
            "any_unread": any(summary.unread for summary in summaries),
            "can_moderate": selectors.moderated_rooms(request.user).exists(),
        },
    )


@login_required
@require_POST
def rooms_read_all(request):
    services.rooms_read_all(person=request.user)
    messages.success(request, _("All rooms are marked as read."))
    return redirect("rooms:rooms")


# One room ---------------------------------------------------------------------------------------------


@room_view(methods=("GET", "POST"))
def room_detail(request, room, access):
    form = MessageForm()
    if request.method == "POST":
        form, done = _post(request, room, access)
        if done:
            return done
    state = services.room_state_get(person=request.user, room=room)
    before = _int(request.GET.get("voor"))
    start = _int(request.GET.get("vanaf"))
    if start is not None:
        page, has_newer = selectors.messages_from(room, start)
        has_older = bool(page) and page[0].seq > 1
    else:
        page, has_older = selectors.messages_before(room, before)
        has_newer = before is not None and before <= room.last_seq
    first_unread = selectors.first_unread_seq(room, state.last_read_seq)
    last_shown = max((message.seq for message in page), default=0)
    if page and not has_newer and last_shown > state.last_read_seq:
        # Seeing the newest messages on the page reads them; the socket keeps this up to date.
        services.room_read(person=request.user, room=room, seq=room.last_seq)
    return render(
        request,
        "rooms/room_detail.html",
        {
            "room": room,
            "access": access,
            "items": _payloads(page, access),
            "older": page[0].seq if page and has_older else None,
            "newer": page[-1].seq + 1 if page and has_newer else None,
            "first_unread": first_unread,
            "first_unread_on_page": first_unread is not None and any(m.seq == first_unread for m in page),
            "unread_before_view": state.last_read_seq,
            "form": form,
            "notify_form": NotifyForm(initial={"notify": state.notify}),
            "people": selectors.room_people(room, viewer=request.user),
            "reactions": Reaction.EMOJI,
            "reaction_labels": Reaction.LABELS,
            "mute_form": MuteForm() if access.can_moderate else None,
            "room_strings": _client_strings(),
            "muted_until": state.muted_until if state.is_muted else None,
        },
    )


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


@room_view(methods=("GET", "POST"))
def room_message(request, room, access, seq):
    """A message with its thread, and the form to reply."""
    message = selectors.message_for_seq(room, seq)
    if message.parent_id:
        return redirect(f"{message.parent.get_absolute_url()}#bericht-{message.seq}")
    form = MessageForm()
    if request.method == "POST":
        form, done = _post(request, room, access, parent_seq=message.seq)
        if done:
            return done
    parent, replies = selectors.thread(room, seq)
    return render(
        request,
        "rooms/message_thread.html",
        {
            "room": room,
            "access": access,
            "parent": _payloads([parent], access)[0],
            "items": _payloads(replies, access),
            "form": form,
            "reactions": Reaction.EMOJI,
            "reaction_labels": Reaction.LABELS,
            "room_strings": _client_strings(),
        },
    )


@room_view(methods=("GET", "POST"))
def room_message_edit(request, room, access, seq):
    message = selectors.message_for_seq(room, seq)
    if message.author_id != request.user.pk:
        raise PermissionDenied
    form = EditForm(request.POST or None, initial={"body": selectors.message_text_for_editing(message)})
    title = _("Your change was not saved")
    if message.is_removed:
        if request.method == "POST":  # removed while the edit page was open
            error = ValidationError(_("A removed message cannot be edited."), code="removed")
            return _refusal(request, room, error, kept=kept_from_form(form), title=title)
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            services.room_message_edit(actor=request.user, message=message, body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied) as error:
            if _is_refusal(error):
                return _refusal(request, room, error, kept=kept_from_form(form), title=title, back=_back_to(message))
            form.add_error("body", error)
        else:
            messages.success(request, _("Your message has been changed."))
            return redirect(_back_to(message))
    return render(request, "rooms/message_edit.html", {"room": room, "message": message, "form": form})


@room_view(methods=("GET", "POST"))
def room_message_delete(request, room, access, seq):
    message = selectors.message_for_seq(room, seq)
    if message.author_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.room_message_delete(actor=request.user, message=message)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Your message has been deleted."))
        return redirect(_back_to(message))
    return render(request, "rooms/message_delete.html", {"room": room, "message": message})


@room_view(methods=("POST",))
def room_message_react(request, room, access, seq):
    message = selectors.message_for_seq(room, seq)
    form = ReactForm(request.POST)
    if form.is_valid():
        try:
            services.room_message_react(actor=request.user, message=message, emoji=form.cleaned_data["emoji"])
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
    return redirect(_back_to(message))


@room_view(methods=("GET", "POST"))
def room_message_report(request, room, access, seq):
    message = selectors.message_for_seq(room, seq)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_message_report(
                reporter=request.user,
                message=message,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            if _is_refusal(error):
                title = _("Your report was not sent")
                return _refusal(request, room, error, kept=kept_from_form(form), title=title, back=_back_to(message))
            form.add_error(None, error)
        except Room.DoesNotExist:
            return refusal_response(request, status=404, kept=kept_from_form(form))
        else:
            messages.success(request, _("Thank you. The moderators of this room will look at the message."))
            return redirect(_back_to(message))
    return render(request, "rooms/message_report.html", {"room": room, "message": message, "form": form})


@room_view(methods=("POST",))
def room_message_hide(request, room, access, seq):
    message = selectors.message_for_seq(room, seq)
    hidden = request.POST.get("hidden") == "1"
    services.room_message_hide(
        actor=request.user,
        message=message,
        hidden=hidden,
        note=request.POST.get("note", ""),
        signed=request.POST.get("signed") == "1",
    )
    messages.success(request, _("The message is hidden.") if hidden else _("The message is visible again."))
    return redirect((request.POST.get("next") == "moderation" and reverse("rooms:moderation")) or _back_to(message))


@room_view(methods=("POST",))
def room_read(request, room, access):
    services.room_read(person=request.user, room=room, seq=_int(request.POST.get("seq")) or room.last_seq)
    return redirect("rooms:rooms")


@room_view(methods=("POST",))
def room_notify(request, room, access):
    form = NotifyForm(request.POST)
    if form.is_valid():
        services.room_notify_set(person=request.user, room=room, notify=form.cleaned_data["notify"])
        messages.success(request, _("Your notification setting for this room has been saved."))
    return redirect(room)


@room_view(methods=("POST",))
def room_mute(request, room, access):
    if not access.can_moderate:
        raise PermissionDenied
    form = MuteForm(request.POST)
    if form.is_valid():
        person = get_object_or_404(User, pk=form.cleaned_data["person"])
        try:
            services.room_member_mute(
                actor=request.user,
                room=room,
                person=person,
                minutes=form.cleaned_data["minutes"] or None,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            # The note is kept whatever the reason: the moderator may have written at length.
            title = _("The mute was not saved")
            return _refusal(
                request, room, error, kept=kept_from_form(form), title=title, back=f"{room.get_absolute_url()}#leden"
            )
        else:
            messages.success(request, _("The mute of %(person)s has been saved.") % {"person": person})
    return redirect(f"{room.get_absolute_url()}#leden")


@room_view(methods=("POST",))
def room_archive(request, room, access):
    archived = request.POST.get("archived") == "1"
    services.room_archive(actor=request.user, room=room, archived=archived)
    messages.success(request, _("The room is archived.") if archived else _("The room is open again."))
    return redirect(room)


@room_view()
def room_attachment(request, room, access, pk, name):
    """Only people who may read the room get the file, as a download (never a public URL)."""
    attachment = get_object_or_404(Attachment.objects.select_related("message"), pk=pk, message__room=room)
    if attachment.message.is_removed and not access.can_moderate:
        raise Http404
    return private_file_response(
        request,
        attachment.file,
        filename=attachment.name,
        content_type=attachment.content_type,
        attachment=True,
        cache_control="private, no-store",
    )


def _back_to(message) -> str:
    anchor = f"#bericht-{message.seq}"
    if message.parent_id:
        return message.parent.get_absolute_url() + anchor
    return message.room.get_absolute_url() + anchor


# Moderation ---------------------------------------------------------------------------------------------


@login_required
def moderation(request):
    rooms = selectors.moderated_rooms(request.user)
    if not rooms.exists():
        raise PermissionDenied
    reports = selectors.open_reports(request.user)
    return render(
        request,
        "rooms/moderation.html",
        {
            "reports": [(report, selectors.message_payload(report.message, moderator=True)) for report in reports],
            "log": selectors.moderation_log(rooms),
            "muted": selectors.muted_members(rooms),
        },
    )


@login_required
@require_POST
def report_dismiss(request, pk):
    report = get_object_or_404(Report.objects.select_related("message__room__group"), pk=pk)
    try:
        services.room_report_dismiss(
            actor=request.user,
            report=report,
            note=request.POST.get("note", ""),
            signed=request.POST.get("signed") == "1",
        )
    except Room.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The report has been dismissed."))
    return redirect("rooms:moderation")
