"""Intervision sessions in Chromium against a real Daphne (static/js/session.js, docs/intervision.md).

Four people run the incident method on the live page: the facilitator's buttons move everyone
through the phases without a page load, questions stay blind until revealed, advice is taken, an
action point is added, and a member who drops out in the middle of a phase comes back in it with
what was written meanwhile. The presenter cannot write in the gossip phase, not even with a
hand-made frame. The same steps work without JavaScript. Every session page passes axe. An
observer follows a session live, writes nothing, and loses it at the end.
"""

import re

from playwright.sync_api import expect

from intervision import services
from intervision.models import ActionPoint, Collects, Contribution, Session
from tests.browser.test_group_journey import log_in
from tests.factories import UserFactory
from tests.intervision.test_services import Circle

PHASES = [
    "Intake van het incident",
    "Verhelderingsvragen",
    "Reconstructie",
    "Analyse",
    "Advies",
    "Reflectie",
    "Afspraken",
]


# The server loads the identifier check's tables in the background when it starts (about 7 s,
# intervision/identifiers.py): the first text it checks may wait for them.
WARM_UP_MS = 40_000


def open_session(browser, server, user, session, *, javascript=True):
    context = browser.new_context(base_url=server.url, locale="nl-BE", java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, user.email)
    page.goto(session.get_absolute_url())
    if javascript:
        page.wait_for_selector("html[data-session-socket='open']")
        page.evaluate("window.samenhuisSameDocument = true")  # gone after any page load
    return context, page


def sees_phase(pages, name):
    for page in pages:
        expect(page.locator("#current-heading")).to_have_text(f"Nu: {name}")
        expect(page.locator("#sessie-fasen li[aria-current='step'] strong")).to_have_text(name)


def control(page, label):
    page.locator("#sessie-sturen").get_by_role("button", name=label, exact=True).click()


def contribute(page, text):
    form = page.locator("#sessie-bijdragen form:has(textarea[name=text])")
    form.get_by_label("Je bijdrage").fill(text)
    form.get_by_role("button", name="Toevoegen").click()
    expect(form.get_by_label("Je bijdrage")).to_have_value("", timeout=WARM_UP_MS)


def cards(page):
    return page.locator("#sessie-rondes li[data-seq] .prose").all_inner_texts()


def test_four_people_run_the_incident_method_live(browser, server, assert_accessible):
    circle = Circle()
    session = circle.session
    services.session_case_save(
        actor=circle.presenter, session=session, text="Een moeder komt elke week later.", confirmed=False
    )
    f_ctx, facilitator = open_session(browser, server, circle.facilitator, session)
    p_ctx, presenter = open_session(browser, server, circle.presenter, session)
    a_ctx, anna = open_session(browser, server, circle.anna, session)
    b_ctx, bart = open_session(browser, server, circle.bart, session)
    everyone = [facilitator, presenter, anna, bart]
    assert_accessible(facilitator)  # planned
    expect(anna.locator("#sessie-casustekst")).to_contain_text("deelt de casus")

    control(facilitator, "Start de sessie")
    sees_phase(everyone, PHASES[0])
    for page in everyone:
        expect(page.locator("#sessie-status")).to_have_text("Bezig")
    # The intake reaches the members with the start; the countdown runs on the server's clock.
    expect(anna.locator("#sessie-casustekst")).to_have_text("Een moeder komt elke week later.")
    clock = bart.locator("#sessie-klok")
    expect(clock).to_contain_text(re.compile(r"Eindigt om \d\d:\d\d, nog (10:00|9:\d\d)\."))
    first = clock.inner_text()
    bart.wait_for_timeout(2100)
    assert clock.inner_text() != first
    expect(presenter.locator("#sessie-melding")).to_have_text(f"Nieuwe fase: {PHASES[0]}.")
    assert anna.locator("#sessie-bijdragen textarea").count() == 0  # the intake phase: the group talks
    assert_accessible(bart)  # a phase that collects nothing

    # Clarifying questions: blind until the facilitator reveals them.
    control(facilitator, "Volgende fase")
    sees_phase(everyone, PHASES[1])
    assert presenter.locator("#sessie-bijdragen textarea:visible").count() == 0  # the others ask
    contribute(anna, "Sinds wanneer komt ze later?")
    contribute(bart, "Wat zegt het kind zelf?")
    expect(facilitator.locator("#sessie-rondes")).to_contain_text("Wat zegt het kind zelf?")
    expect(presenter.locator("#sessie-rondes [data-blind]")).to_have_text(re.compile("^2 vragen verzameld"))
    expect(anna.locator("#sessie-rondes [data-blind]")).to_have_text(re.compile("^2 vragen verzameld"))
    assert cards(presenter) == [] and cards(anna) == ["Sinds wanneer komt ze later?"]
    assert_accessible(presenter)  # blind questions
    control(facilitator, "Toon de vragen")
    for page in (presenter, anna, bart):
        expect(page.locator("#sessie-rondes li[data-seq] .prose")).to_have_text(
            ["Sinds wanneer komt ze later?", "Wat zegt het kind zelf?"]
        )
        expect(page.locator("#sessie-rondes [data-blind]")).to_have_count(0)
    expect(presenter.locator("#bijdrage-1")).to_contain_text("Anna")

    # Reconstruction: a text with a phone number is flagged, kept, and saved once confirmed.
    control(facilitator, "Volgende fase")
    sees_phase(everyone, PHASES[2])
    form = anna.locator("#sessie-bijdragen form:has(textarea[name=text])")
    form.get_by_label("Je bijdrage").fill("Ze belde vanop 0475 12 34 56.")
    form.get_by_role("button", name="Toevoegen").click()
    expect(form.locator("[data-form-alert]")).to_contain_text("0475 12 34 56")
    expect(form.get_by_label("Je bijdrage")).to_have_value("Ze belde vanop 0475 12 34 56.")
    assert_accessible(anna)  # the identifiers alert and its checkbox
    form.get_by_label("Ik heb dit nagekeken: toch bewaren").check()
    form.get_by_role("button", name="Toevoegen").click()
    expect(form.get_by_label("Je bijdrage")).to_have_value("")
    expect(bart.locator("#sessie-rondes")).to_contain_text("Ze belde vanop 0475 12 34 56.")
    assert Contribution.objects.filter(session=session, text__contains="0475").count() == 1
    assert_accessible(bart)  # notes by everyone

    # Analysis: Bart drops out in the middle of the phase; Anna writes; the phase moves on to the
    # advice, Anna gives one; Bart comes back in the advice phase with both texts.
    control(facilitator, "Volgende fase")
    sees_phase(everyone, PHASES[3])
    b_ctx.set_offline(True)
    bart.wait_for_selector("html[data-session-socket='closed']")
    expect(bart.locator("#sessie-verbinding")).to_contain_text("Verbinding verbroken")
    contribute(anna, "Het lijkt een patroon rond de ochtenden.")
    control(facilitator, "Volgende fase")
    sees_phase([facilitator, presenter, anna], PHASES[4])
    contribute(anna, "Spreek een vast moment per week af.")
    bart.wait_for_timeout(300)
    expect(bart.locator("#current-heading")).to_have_text(f"Nu: {PHASES[3]}")  # still away
    b_ctx.set_offline(False)
    sees_phase([bart], PHASES[4])
    expect(bart.locator("#sessie-rondes")).to_contain_text("Het lijkt een patroon rond de ochtenden.")
    expect(bart.locator("#sessie-rondes")).to_contain_text("Spreek een vast moment per week af.")
    expect(bart.locator("#sessie-verbinding")).to_be_hidden()
    contribute(bart, "Vraag een collega mee.")

    # The presenter takes one advice; everyone sees it taken.
    advice = presenter.locator("#sessie-rondes li[data-seq]", has_text="Spreek een vast moment per week af.")
    expect(advice).to_be_visible()
    expect(presenter.locator("#sessie-rondes li[data-seq]", has_text="Vraag een collega mee.")).to_be_visible()
    assert_accessible(presenter)  # advice cards with their buttons
    advice.get_by_role("button", name="Dit advies overnemen").click()
    for page in everyone:
        expect(
            page.locator("#sessie-rondes li[data-seq]", has_text="Spreek een vast moment").locator(".tag")
        ).to_have_text("overgenomen")

    # Reflection by the presenter; agreements by anyone.
    control(facilitator, "Volgende fase")
    sees_phase(everyone, PHASES[5])
    assert anna.locator("#sessie-bijdragen form:visible").count() == 0  # the presenter reflects
    contribute(presenter, "Ik neem het vaste moment mee.")
    control(facilitator, "Volgende fase")
    sees_phase(everyone, PHASES[6])
    points = anna.locator("#sessie-actiepunten form")
    points.get_by_label("Wie", exact=True).fill("Ilse")
    points.get_by_label("Wat", exact=True).fill("Een vast moment inplannen met de moeder")
    points.get_by_role("button", name="Actiepunt toevoegen").click()
    for page in everyone:
        expect(page.locator("#sessie-actiepunten li[data-point]")).to_have_text(
            ["Ilse: Een vast moment inplannen met de moeder"]
        )
    assert_accessible(anna)  # the action points form

    control(facilitator, "Beëindig de sessie")
    for page in everyone:
        expect(page.locator("#sessie-status")).to_have_text("Afgelopen")
        expect(page.locator("#sessie-sturen button")).to_have_count(0)
        assert page.evaluate("window.samenhuisSameDocument === true")  # never reloaded
    assert Session.objects.get(pk=session.pk).status == Session.Status.ENDED
    anna.get_by_role("link", name="Het verslag van de sessie").click()
    record = anna.locator("main")
    expect(record).to_contain_text("Spreek een vast moment per week af.")
    expect(record).to_contain_text("Een vast moment inplannen met de moeder")
    assert "Vraag een collega mee." not in record.inner_text()  # not taken
    assert_accessible(anna)
    for context in (f_ctx, p_ctx, a_ctx, b_ctx):
        context.close()


CRAFTED = """async (sessionId) => new Promise((resolve) => {
    const socket = new WebSocket(`ws://${location.host}/ws/sessions/${sessionId}/`);
    socket.addEventListener("message", (event) => {
        const frame = JSON.parse(event.data);
        if (frame.type === "hello") {
            socket.send(JSON.stringify({type: "contribute", client_id: "zelfgemaakt-1", text: "Ik schrijf toch mee."}));
        } else if (frame.type === "ack" || frame.type === "error") {
            socket.close();
            resolve(frame);
        }
    });
})"""


def test_the_presenter_cannot_write_in_the_gossip_phase(browser, server, assert_accessible):
    circle = Circle(method_key="roddel")
    circle.to_phase(Collects.NOTES)
    session = circle.refresh()
    assert session.current_phase.name == "Roddelen"
    p_ctx, presenter = open_session(browser, server, circle.presenter, session)
    a_ctx, anna = open_session(browser, server, circle.anna, session)
    expect(presenter.locator("#current-heading")).to_have_text("Nu: Roddelen")
    assert presenter.locator("textarea:visible").count() == 0
    assert presenter.locator("#sessie-bijdragen form").count() == 0
    contribute(anna, "Ik denk dat ze twijfelt.")
    expect(presenter.locator("#sessie-rondes")).to_contain_text("Ik denk dat ze twijfelt.")

    refused = presenter.evaluate(CRAFTED, session.pk)
    assert refused["type"] == "error" and refused["code"] == "not_in_this_phase", refused
    assert refused["client_id"] == "zelfgemaakt-1"
    assert not Contribution.objects.filter(session=session, author=circle.presenter).exists()
    assert_accessible(presenter)
    p_ctx.close()
    a_ctx.close()


def test_the_same_session_runs_without_javascript(browser, server):
    circle = Circle()
    session = circle.session
    f_ctx, facilitator = open_session(browser, server, circle.facilitator, session, javascript=False)
    a_ctx, anna = open_session(browser, server, circle.anna, session, javascript=False)

    facilitator.get_by_role("button", name="Start de sessie").click()
    expect(facilitator.locator("#current-heading")).to_have_text(f"Nu: {PHASES[0]}")
    expect(facilitator.locator("#sessie-klok")).to_contain_text("Eindigt om")
    facilitator.get_by_role("button", name="Volgende fase").click()
    expect(facilitator.locator("#current-heading")).to_have_text(f"Nu: {PHASES[1]}")

    anna.get_by_role("link", name="Vernieuwen").click()
    expect(anna.locator("#current-heading")).to_have_text(f"Nu: {PHASES[1]}")
    anna.get_by_label("Je bijdrage").fill("Sinds wanneer komt ze later?")
    # The first text the server checks may wait for the identifier tables (WARM_UP_MS).
    anna.get_by_role("button", name="Toevoegen").click(timeout=WARM_UP_MS)
    expect(anna.locator("#bijdrage-1")).to_contain_text("Sinds wanneer komt ze later?")

    facilitator.get_by_role("link", name="Vernieuwen").click()
    expect(facilitator.locator("#bijdrage-1")).to_contain_text("Sinds wanneer komt ze later?")
    facilitator.get_by_role("button", name="Toon de vragen").click()
    facilitator.get_by_role("button", name="Volgende fase").click()
    expect(facilitator.locator("#current-heading")).to_have_text(f"Nu: {PHASES[2]}")
    anna.get_by_role("link", name="Vernieuwen").click()
    expect(anna.locator("#current-heading")).to_have_text(f"Nu: {PHASES[2]}")
    anna.get_by_label("Je bijdrage").fill("Ze kwam eerst op tijd.")
    anna.get_by_role("button", name="Toevoegen").click()
    expect(anna.locator("#sessie-rondes")).to_contain_text("Ze kwam eerst op tijd.")
    session.refresh_from_db()
    assert session.current_phase.name == PHASES[2]
    assert Contribution.objects.filter(session=session).count() == 2
    f_ctx.close()
    a_ctx.close()


def test_every_session_page_passes_axe(browser, server, assert_accessible):
    circle = Circle()
    session = circle.session
    context, page = open_session(browser, server, circle.facilitator, session)
    group = circle.group
    for path in (
        f"/intervisie/groepen/{group.slug}/sessies/nieuw/",
        f"/intervisie/groepen/{group.slug}/methodes/",
        f"{session.get_absolute_url()}casus/",
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    # The session page in every kind of phase, for the facilitator and for a member.
    m_ctx, member = open_session(browser, server, circle.anna, session)
    circle.to_phase(Collects.NOTHING)
    seen = set()
    while True:
        current = circle.refresh().current_phase
        if current.collects not in seen:
            seen.add(current.collects)
            for viewer in (page, member):
                viewer.goto(session.get_absolute_url())
                viewer.wait_for_selector("html[data-session-socket='open']")
                expect(viewer.locator("#current-heading")).to_have_text(f"Nu: {current.name}")
                assert_accessible(viewer)
        if current.collects == Collects.ACTIONS:
            break
        services.session_move(actor=circle.facilitator, session=session, to="next")
    assert seen == {choice for choice, _label in Collects.choices}
    services.action_point_add(actor=circle.anna, session=session, who="Anna", what="Terugkoppelen")
    services.session_end(actor=circle.facilitator, session=session)
    assert ActionPoint.objects.filter(session=session).count() == 1
    for path in (session.get_absolute_url(), f"{session.get_absolute_url()}verslag/"):
        page.goto(path)
        assert_accessible(page)
    m_ctx.close()
    context.close()


def test_an_observer_follows_the_session_and_loses_it_at_the_end(browser, server, assert_accessible):
    circle = Circle()
    session = circle.session
    guest = UserFactory(profile="Wout Waarnemer")
    f_ctx, facilitator = open_session(browser, server, circle.facilitator, session)
    expect(facilitator.locator("#sessie-mensen")).to_contain_text("Greet Begeleider (gespreksleider)")

    # The group allows observers on its settings page; the facilitator picks one by address.
    settings = f_ctx.new_page()
    settings.goto(f"/intervisie/groepen/{circle.group.slug}/sessies/instellingen/")
    assert_accessible(settings)
    settings.get_by_label("Waarnemers toelaten").check()
    settings.get_by_role("button", name="Opslaan").click()
    settings.goto(f"{session.get_absolute_url()}waarnemers/")
    settings.get_by_label("E-mailadres").fill("niemand@huis.test")
    settings.get_by_role("button", name="Toevoegen als waarnemer").click()
    expect(settings.locator(".field-errors")).to_contain_text("Er is geen account met dit e-mailadres")
    expect(settings.get_by_label("E-mailadres")).to_have_value("niemand@huis.test")
    assert_accessible(settings)  # the form with its error
    settings.get_by_label("E-mailadres").fill(guest.email)
    settings.get_by_role("button", name="Toevoegen als waarnemer").click()
    expect(settings.locator("#observers-now + ul")).to_contain_text("Wout Waarnemer")
    assert_accessible(settings)  # the list with its remove button
    # The session page, open all along, learns of the observer without a reload.
    expect(facilitator.locator("#sessie-mensen li[data-observer]")).to_have_text(["Wout Waarnemer (waarnemer)"])

    o_ctx, observer = open_session(browser, server, guest, session)
    expect(observer.get_by_text("Je volgt deze sessie als waarnemer")).to_be_visible()
    expect(observer.locator("#sessie-casustekst")).to_contain_text("deelt de casus")
    assert_accessible(observer)  # planned
    control(facilitator, "Start de sessie")
    sees_phase([observer], PHASES[0])
    a_ctx, anna = open_session(browser, server, circle.anna, session)
    control(facilitator, "Volgende fase")
    sees_phase([observer, anna], PHASES[1])
    contribute(anna, "Sinds wanneer komt ze later?")
    expect(observer.locator("#sessie-rondes [data-blind]")).to_have_text(re.compile("^1 vraag verzameld"))
    assert observer.locator("textarea").count() == 0
    assert observer.locator("#sessie-sturen button").count() == 0
    assert_accessible(observer)  # running, with blind questions
    control(facilitator, "Toon de vragen")
    expect(observer.locator("#sessie-rondes li[data-seq] .prose")).to_have_text(["Sinds wanneer komt ze later?"])

    control(facilitator, "Beëindig de sessie")
    expect(observer.locator("#sessie-status")).to_have_text("Afgelopen")
    expect(observer.locator("#sessie-verbinding")).to_contain_text("niet meer live volgen")
    assert observer.goto(session.get_absolute_url()).status == 403
    assert observer.goto(f"{session.get_absolute_url()}verslag/").status == 403
    for context in (f_ctx, o_ctx, a_ctx):
        context.close()
