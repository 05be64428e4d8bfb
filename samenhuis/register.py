"""The register of processing (GDPR art. 30): what Samenhuis stores about people, why, on what
legal basis, for how long and who sees it — in one place, so the three readers cannot disagree.

- the retention jobs read their periods here (`retention("login_records")`), so a period in the
  text is the period a job enforces;
- `manage.py privacy_register` writes this list into docs/privacy.md ("Register of processing"),
  and a test fails when the file is behind;
- the public page `/privacy/verwerkingen/` shows it in the visitor's language;
- tests/privacy/test_register.py fails when a model that points at an account (or stores an e-mail
  address) is named by no entry, so a new feature cannot forget to say what it keeps.

Plain data on the project layer: no app is imported. Models are named by their label
("community.Profile"). See docs/privacy.md.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Legal bases, GDPR art. 6(1), in words.
CONTRACT = _("Needed to provide the platform the person joined (GDPR art. 6(1)(b)).")
LEGITIMATE_SECURITY = _(
    "Legitimate interest: keeping accounts and the platform safe, and finding out what happened "
    "after an abuse (GDPR art. 6(1)(f))."
)
LEGITIMATE_COMMUNITY = _(
    "Legitimate interest: letting the people who share a group, an organisation or an event work "
    "together (GDPR art. 6(1)(f))."
)
CONSENT = _("Consent: the person fills it in or turns it on themselves and can remove it (GDPR art. 6(1)(a)).")

# Retention in words that recur.
UNTIL_DELETED = _("Until the account is deleted.")

# Who sees it, in words that recur.
THE_PERSON = _("The person; administrators.")
OPERATORS = _("The operators of the server only.")


@dataclass(frozen=True)
class Processing:
    """One line of the register."""

    key: str
    title: Promise
    stored: Promise
    models: tuple[str, ...]
    purpose: Promise
    basis: Promise
    kept: Promise
    seen_by: Promise
    # The period a scheduled job enforces, and that job's name (samenhuis/scheduler.py).
    retention: timedelta | None = None
    job: str = ""


REGISTER: tuple[Processing, ...] = (
    Processing(
        key="accounts",
        title=_("Account and e-mail addresses"),
        stored=_(
            "E-mail address (the login), password hash, last login, date joined, whether the account "
            "is active, staff or administrator, and the e-mail addresses confirmed for it."
        ),
        models=("community.User", "account.EmailAddress", "account.EmailConfirmation"),
        purpose=_("Logging in, and reaching the person by e-mail about what they take part in."),
        basis=CONTRACT,
        kept=UNTIL_DELETED,
        seen_by=_("The person; administrators. Other members see the display name, not the e-mail address."),
    ),
    Processing(
        key="unverified_accounts",
        title=_("Accounts whose e-mail address was never confirmed"),
        stored=_("An account made through the sign-up form whose e-mail address was never confirmed."),
        models=("community.User", "account.EmailAddress"),
        purpose=_("Letting the person confirm their address and finish signing up."),
        basis=CONTRACT,
        kept=_(
            "30 days after signing up, unless an address was confirmed or the account was used to log in. "
            "Accounts an administrator linked to an organisation, a group or a role, staff and administrators "
            "are never removed this way."
        ),
        seen_by=_("Administrators."),
        retention=timedelta(days=30),
        job="unverified_accounts_delete",
    ),
    Processing(
        key="two_factor",
        title=_("Two-factor authentication"),
        stored=_("The secret of the authenticator app and the recovery codes."),
        models=("mfa.Authenticator",),
        purpose=_("A second step when logging in, for people who turn it on."),
        basis=CONSENT,
        kept=_("Until the person turns it off, or the account is deleted."),
        seen_by=_("Nobody: it is only checked."),
    ),
    Processing(
        key="sessions",
        title=_("Sessions"),
        stored=_("Which account a browser is logged in to, and the chosen language (cookies)."),
        models=("sessions.Session",),
        purpose=_("Staying logged in between pages."),
        basis=CONTRACT,
        kept=_("Until logging out, or until it expires after two weeks; expired sessions are removed every day."),
        seen_by=OPERATORS,
        job="sessions_clear_expired",
    ),
    Processing(
        key="login_records",
        title=_("Logins"),
        stored=_("When someone logged in, from which IP address and with which browser."),
        models=("community.LoginRecord",),
        purpose=_(
            "Noticing a stolen account and answering questions about one. Three months covers the time "
            "in which people notice and report that something is wrong."
        ),
        basis=LEGITIMATE_SECURITY,
        kept=_("90 days."),
        seen_by=_("The person, in their data export; administrators."),
        retention=timedelta(days=90),
        job="login_records_delete",
    ),
    Processing(
        key="audit_trail",
        title=_("Audit trail"),
        stored=_(
            "Who changed a role, hid a message, exported or deleted data, or viewed an attendee list: "
            "the account that did it, when, the account number it was about, and why."
        ),
        models=("community.AuditEvent",),
        purpose=_("Being able to account for what administrators and moderators did."),
        basis=LEGITIMATE_SECURITY,
        kept=_("Two years."),
        seen_by=_("Administrators."),
        retention=timedelta(days=730),
        job="audit_events_delete",
    ),
    Processing(
        key="profiles",
        title=_("Profile"),
        stored=_(
            "Display name, function, short bio, expertise, photo, who may see the profile and whether "
            "the e-mail address is shown."
        ),
        models=("community.Profile",),
        purpose=_("Letting members know who they work with."),
        basis=CONSENT,
        kept=UNTIL_DELETED,
        seen_by=_("As the person chooses: all members (the default), only their connections, or everyone."),
    ),
    Processing(
        key="organisations",
        title=_("Organisations and memberships"),
        stored=_(
            "Organisations with their contact address, who works where and in which role, and requests "
            "to be linked to an organisation (with the message and the decision)."
        ),
        models=("community.Organisation", "community.Membership", "community.MembershipRequest"),
        purpose=_("Showing who works for which Huis van het Kind or partner, and what they may do for it."),
        basis=LEGITIMATE_COMMUNITY,
        kept=_("Until the account or the organisation is deleted."),
        seen_by=_(
            "Organisation pages are public; the people who work there only to members who may see "
            "their profile. Requests: the person and whoever decides."
        ),
    ),
    Processing(
        key="groups",
        title=_("Intervision groups"),
        stored=_(
            "Who is in which group and in which role, requests to join with their message, and the "
            "group's activity log."
        ),
        models=("community.GroupMembership", "community.JoinRequest", "community.GroupActivity"),
        purpose=_("Running closed groups of colleagues."),
        basis=LEGITIMATE_COMMUNITY,
        kept=_(
            "As long as the group exists; a deleted account's name goes, an invited e-mail address stays in the log."
        ),
        seen_by=_("The group's members; requests and the log only its facilitators and administrators."),
    ),
    Processing(
        key="group_invitations",
        title=_("Invitations to a group"),
        stored=_("The invited e-mail address, who invited, and whether it was accepted or withdrawn."),
        models=("community.GroupInvitation",),
        purpose=_("Letting someone join a group by a link sent to their address."),
        basis=LEGITIMATE_COMMUNITY,
        kept=_(
            "30 days after the invitation expired or was withdrawn; the group's activity log keeps that "
            "someone was invited."
        ),
        seen_by=_("The group's facilitators and administrators."),
        retention=timedelta(days=30),
        job="group_invitations_delete",
    ),
    Processing(
        key="notifications",
        title=_("Notifications"),
        stored=_("The text and link of a notification, who it names, when it was made and read."),
        models=("community.Notification",),
        purpose=_("Telling the person what happened while they were away."),
        basis=CONTRACT,
        kept=_("One year."),
        seen_by=_("The person only."),
        retention=timedelta(days=365),
        job="notifications_delete",
    ),
    Processing(
        key="presence",
        title=_("Who is online"),
        stored=_("Which account has a page open, and in which room or session."),
        models=("realtime.Presence",),
        purpose=_("Showing who is there, and delivering messages live."),
        basis=CONTRACT,
        kept=_(
            "Until the page is closed. If the server stops first, the line stops counting after 90 seconds and "
            "is removed an hour later, when someone opens a page."
        ),
        seen_by=_("The people of the same room or session who may see the profile."),
    ),
    Processing(
        key="rooms",
        title=_("Rooms"),
        stored=_(
            "Messages with their author, mentions and reactions, what each person read and whether they "
            "silenced the room, reports of messages and the moderation log."
        ),
        models=(
            "rooms.RoomMember",
            "rooms.Message",
            "rooms.Reaction",
            "rooms.Report",
            "rooms.ModerationAction",
        ),
        purpose=_("Conversations between members."),
        basis=CONTRACT,
        kept=_("As long as the room exists; the name goes when the account is deleted."),
        seen_by=_("The room's readers; reports and the moderation log its moderators."),
    ),
    Processing(
        key="intervision_sessions",
        title=_("Intervision sessions"),
        stored=_(
            "Title, date, method, roles, observers, the case, the contributions with their author, and action points."
        ),
        models=(
            "intervision.Session",
            "intervision.SessionObserver",
            "intervision.Contribution",
            "intervision.ActionPoint",
        ),
        purpose=_("Holding an intervision session and following up its action points."),
        basis=LEGITIMATE_COMMUNITY,
        kept=_(
            "The case and the contributions' texts: the group's retention period after the session ended "
            "(12 months unless its facilitators chose 1 to 60); the rest as long as the group exists."
        ),
        seen_by=_("The group's members and, during the session, its observers."),
        job="session_retention",
    ),
    Processing(
        key="events",
        title=_("Events and meetings"),
        stored=_(
            "Registrations with their answers (for example dietary or accessibility needs), answers to "
            "group meetings, who planned a meeting, and the secret address of the personal calendar."
        ),
        models=("events.Registration", "events.MeetingResponse", "events.GroupMeeting", "events.CalendarFeed"),
        purpose=_("Receiving people at events and planning group meetings."),
        basis=CONTRACT,
        kept=_("As long as the event or meeting exists; until the account is deleted."),
        seen_by=_("The person and the event's organisers; meeting answers the group's members."),
    ),
    Processing(
        key="exchange",
        title=_("Needs and offers"),
        stored=_(
            "Offers with a contact person, e-mail address and phone, needs, who said interested in a "
            "match, the history of a need, and how the person wants to hear about matches."
        ),
        models=(
            "exchange.Offer",
            "exchange.Need",
            "exchange.Match",
            "exchange.NeedEvent",
            "exchange.ExchangePreference",
        ),
        purpose=_("Bringing needs of Huizen van het Kind and offers of organisations together."),
        basis=LEGITIMATE_COMMUNITY,
        kept=_("As long as the offer or need exists; the name goes when the account is deleted."),
        seen_by=_("As the offer or need says (public or members); contact details of a match both sides."),
    ),
    Processing(
        key="practices",
        title=_("Practices"),
        stored=_("Who submitted a practice, and the contact address it gives."),
        models=("knowledge.PracticePage",),
        purpose=_("Letting colleagues ask about a practice."),
        basis=CONSENT,
        kept=_("As long as the practice is published."),
        seen_by=_("Readers of the practice; the submitter's account the editors."),
    ),
    Processing(
        key="start_page_visits",
        title=_("Start page visits"),
        stored=_("When the person last viewed their start page."),
        models=("knowledge.StartPageVisit",),
        purpose=_("Showing what is new since the last visit."),
        basis=CONTRACT,
        kept=UNTIL_DELETED,
        seen_by=_("Nobody: only used to build the person's start page."),
    ),
    Processing(
        key="cms",
        title=_("Editing in the CMS"),
        stored=_(
            "Who owns, locks, edits, comments on or approves a page, who uploaded a file or image, "
            "editing preferences, and the CMS log of who changed what."
        ),
        models=(
            "wagtailcore.Page",
            "wagtailcore.Revision",
            "wagtailcore.PageLogEntry",
            "wagtailcore.ModelLogEntry",
            "wagtailcore.Comment",
            "wagtailcore.CommentReply",
            "wagtailcore.PageSubscription",
            "wagtailcore.WorkflowState",
            "wagtailcore.TaskState",
            "wagtailcore.UploadedFile",
            "wagtailcore.APIToken",
            "wagtailusers.UserProfile",
            "wagtailadmin.EditingSession",
            "wagtailadmin.FormState",
            "wagtaildocs.Document",
            "wagtailimages.Image",
        ),
        purpose=_("Editing the site together and knowing who changed what."),
        basis=LEGITIMATE_COMMUNITY,
        kept=_("As long as the page or file exists; the name goes when the account is deleted."),
        seen_by=_("Editors in the CMS."),
    ),
    Processing(
        key="data_exports",
        title=_("Data exports"),
        stored=_("The archive of a person's data they asked for, and when."),
        models=("privacy.DataExport",),
        purpose=_("Giving the person a copy of their data (GDPR art. 15 and 20)."),
        basis=_("Legal obligation (GDPR art. 6(1)(c))."),
        kept=_("The archive for 7 days, until its download link expires; the request until the account is deleted."),
        seen_by=_("The person only."),
        retention=timedelta(days=7),
        job="data_exports_expire",
    ),
    Processing(
        key="access_logs",
        title=_("Server logs"),
        stored=_("IP address, the address asked for and the time, for every request."),
        models=(),
        purpose=_("Finding faults and attacks."),
        basis=LEGITIMATE_SECURITY,
        kept=_("As long as the operator keeps logs."),
        seen_by=OPERATORS,
    ),
    Processing(
        key="rate_limits",
        title=_("Login attempts"),
        stored=_("Counters of recent login attempts per IP address and e-mail address."),
        models=(),
        purpose=_("Slowing down people who guess passwords."),
        basis=LEGITIMATE_SECURITY,
        kept=_("Minutes."),
        seen_by=_("Nobody: only counted."),
    ),
)


def entry(key: str) -> Processing:
    for processing in REGISTER:
        if processing.key == key:
            return processing
    raise KeyError(f"No register entry {key!r} in samenhuis/register.py.")


def retention(key: str) -> timedelta:
    """The period a retention job enforces for `key`; the job reads it here, not from a constant of its own."""
    period = entry(key).retention
    if period is None:
        raise KeyError(f"Register entry {key!r} has no retention period a job enforces.")
    return period


def named_models() -> set[str]:
    """Every model label some entry names."""
    return {label for processing in REGISTER for label in processing.models}


MARKDOWN_START = "<!-- register:start -->"
MARKDOWN_END = "<!-- register:end -->"


def register_markdown() -> str:
    """The register as the Markdown table docs/privacy.md carries between its markers, in English."""

    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    with translation.override("en"):
        lines = [
            "| data | what is stored | where | purpose | legal basis | kept | who sees it | job |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for p in REGISTER:
            where = ", ".join(f"`{label}`" for label in p.models) or "outside the database"
            job = f"`{p.job}`" if p.job else ""
            cells = [p.title, p.stored, where, p.purpose, p.basis, p.kept, p.seen_by, job]
            lines.append("| " + " | ".join(cell(c) if i != 2 else c for i, c in enumerate(cells)) + " |")
    return "\n".join(lines) + "\n"


def markdown_with_register(document: str) -> str:
    """`document` with the text between the register markers replaced by `register_markdown()`."""
    start, end = document.index(MARKDOWN_START), document.index(MARKDOWN_END)
    return document[: start + len(MARKDOWN_START)] + "\n" + register_markdown() + document[end:]
