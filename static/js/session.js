// Live intervision session: enhances the plain session page (which works without JavaScript).
// Protocol: docs/intervision.md, "Live"; this client: "The browser client (static/js/session.js)".
// The database is the record: the client keeps the highest `rev` it is sure of and asks for
// everything after it (`sync`) on every (re)connect, after a change it was only told about, and
// when a `pong` says the session is further. A phase or status change comes with its `state` and
// shows at once. The countdown runs on the server's clock (`state.server_time` gives the offset).
// Dependency-free ES2017; its words come from the page (json_script "session-strings").

const root = document.querySelector("[data-session-socket]");

if (root && "WebSocket" in window) {
    const strings = JSON.parse(document.getElementById("session-strings").textContent);
    const sessionId = root.dataset.session;
    const baseUrl = root.dataset.url; // the session page; its forms post to paths below it
    const csrfToken = root.dataset.csrf;
    const isPresenter = root.dataset.presenter === "1";
    const isFacilitator = root.dataset.facilitator === "1";
    const extendMinutes = Number(root.dataset.extendMinutes) || 5;
    const lang = document.documentElement.lang || "nl-BE";
    const announcer = document.getElementById("sessie-melding");
    const CLOSE_FINAL = new Set([4401, 4403, 4404]);

    let lastRev = Number(root.dataset.lastRev) || 0;
    let state = null; // the newest state applied
    let shownPhase = root.dataset.phase ? Number(root.dataset.phase) : null;
    let shownStatus = root.dataset.status;
    let offsetMs = 0; // server clock minus this browser's clock
    let socket = null;
    let attempt = 0;
    let retryTimer = null;
    let syncing = false;
    let syncAgain = false;
    let frameIds = 0;
    let pendingContribution = null; // {client_id, text, confirm, id}
    let pendingPoint = null; // {id, who, what, confirm}
    let pendingControl = null;
    let contributionRetry = null;
    let waiting = null; // phase id -> others' blind questions not revealed yet, from the last sync
    let shownCase = null;
    const known = new Map(); // contribution seq -> rev shown
    let tookOver = false;

    // Small helpers ---------------------------------------------------------------------------

    const format = (text, values) => text.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? values[key] : match));
    const element = (tag, className, text) => {
        const node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined && text !== null) node.textContent = text;
        return node;
    };
    // Django's `linebreaks`: paragraphs at blank lines, line breaks inside them; text only.
    const prose = (text) => {
        const box = element("div", "prose");
        text.replace(/\r\n/g, "\n").split(/\n{2,}/).forEach((paragraph) => {
            if (!paragraph.trim()) return;
            const p = element("p");
            paragraph.split("\n").forEach((line, index) => {
                if (index) p.append(element("br"));
                p.append(line);
            });
            box.append(p);
        });
        return box;
    };
    const hiddenInput = (name, value) => {
        const input = element("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        return input;
    };
    const postForm = (path, className) => {
        const form = element("form", className);
        form.method = "post";
        form.action = baseUrl + path;
        form.append(hiddenInput("csrfmiddlewaretoken", csrfToken));
        return form;
    };
    // crypto.randomUUID exists only on HTTPS and localhost; getRandomValues everywhere.
    const newClientId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
    const now = () => Date.now() + offsetMs;
    const clockTime = (epochSeconds) =>
        new Date(epochSeconds * 1000).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Brussels" });
    const duration = (seconds) => {
        const total = Math.max(0, Math.ceil(seconds));
        const hours = Math.floor(total / 3600);
        const minutes = Math.floor((total % 3600) / 60);
        const secs = String(total % 60).padStart(2, "0");
        return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
    };
    const setConnection = (text) => {
        root.textContent = text;
        root.hidden = !text;
    };
    const announce = (text) => {
        if (!announcer) return;
        // Emptied first, so the same words said twice are announced twice.
        announcer.textContent = "";
        window.setTimeout(() => {
            announcer.textContent = text;
        }, 50);
    };
    const send = (frame) => {
        if (socket && socket.readyState === WebSocket.OPEN) {
            socket.send(JSON.stringify(frame));
            return true;
        }
        return false;
    };
    const isOpen = () => socket !== null && socket.readyState === WebSocket.OPEN;
    const phaseName = (id) => {
        const phase = state && state.phases.find((item) => item.id === id);
        return phase ? phase.name : "";
    };

    // Sync: everything after the last rev, one request at a time -------------------------------

    const sync = () => {
        if (syncing) {
            syncAgain = true;
            return;
        }
        if (send({ type: "sync", after_rev: lastRev })) syncing = true;
    };

    // The state: status, phase, purpose, clock, who may do what --------------------------------

    const applyState = (next) => {
        if (state && next.rev < state.rev) return; // an older announcement overtaken by a sync
        offsetMs = next.server_time * 1000 - Date.now();
        const previousPhase = shownPhase;
        const previousStatus = shownStatus;
        state = next;
        const phase = next.phase;
        shownPhase = phase ? phase.id : null;
        shownStatus = next.status;
        root.dataset.phase = shownPhase === null ? "" : String(shownPhase);
        root.dataset.status = next.status;

        const statusTag = document.getElementById("sessie-status");
        if (statusTag) statusTag.textContent = strings.status[next.status] || next.status;
        if (next.status === "ended") showRecordLink();
        renderPhaseList();
        renderCurrent();
        renderCase();
        renderControls();
        renderForms();
        if (phase && phase.collects === "questions" && phase.revealed) revealedNow(phase.id);
        renderBlind();
        // The take buttons go with the end; the page's own are taken over once (their addresses kept).
        if (next.status !== previousStatus || !tookOver) renderTakeButtons();
        tookOver = true;

        if (shownPhase !== previousPhase && phase) {
            announce(format(strings.new_phase, { name: phase.name }));
        } else if (next.status !== previousStatus && strings.announce[next.status]) {
            announce(strings.announce[next.status]);
        }
    };

    const renderPhaseList = () => {
        document.querySelectorAll("#sessie-fasen li[data-phase]").forEach((li) => {
            const id = Number(li.dataset.phase);
            const minutes = li.querySelector("[data-minutes]");
            const current = id === shownPhase;
            while (li.firstChild && li.firstChild !== minutes) li.removeChild(li.firstChild);
            const name = phaseName(id);
            if (current) {
                li.setAttribute("aria-current", "step");
                li.insertBefore(element("strong", "", name), minutes);
                li.insertBefore(document.createTextNode(" "), minutes);
                li.insertBefore(element("span", "tag", strings.now_tag), minutes);
            } else {
                li.removeAttribute("aria-current");
                li.insertBefore(document.createTextNode(name), minutes);
            }
            li.insertBefore(document.createTextNode(" "), minutes);
        });
    };

    let currentKey = null;
    const renderCurrent = () => {
        const box = document.getElementById("sessie-nu");
        const phase = state.phase;
        const key = JSON.stringify([state.status, phase]);
        if (!box || key === currentKey) return;
        currentKey = key;
        box.textContent = "";
        if (!phase) {
            if (state.status === "planned") box.append(element("p", "", strings.not_started));
            return;
        }
        const section = element("section");
        section.setAttribute("aria-labelledby", "current-heading");
        const heading = element("h2", "", format(strings.now, { name: phase.name }));
        heading.id = "current-heading";
        section.append(heading);
        if (phase.purpose) section.append(prose(phase.purpose));
        const who = phase.collects === "nothing" ? strings.nobody_writes : strings.speakers[phase.speakers] || "";
        section.append(element("p", "", `${strings.who_may}: ${who}`));
        const clock = element("p");
        clock.id = "sessie-klok";
        clock.append(element("strong"));
        section.append(clock);
        box.append(section);
        tick();
    };

    // Every second, from the server's clock; not a live region (the phase change is announced).
    const tick = () => {
        const clock = document.querySelector("#sessie-klok strong");
        if (!clock || !state || !state.phase) return;
        const phase = state.phase;
        let text = "";
        if (state.status === "paused" && phase.paused_left !== null && phase.paused_left !== undefined) {
            text = format(strings.paused_left, { left: duration(phase.paused_left) });
        } else if (state.status === "live" && phase.ends_at) {
            const left = phase.ends_at - now() / 1000;
            const end = clockTime(phase.ends_at);
            text = left > 0 ? format(strings.ends_at, { end, left: duration(left) }) : format(strings.time_up, { end });
        }
        if (clock.textContent !== text) clock.textContent = text;
    };

    const renderCase = () => {
        const box = document.getElementById("sessie-casustekst");
        if (!box || !state.can.read_case || !state.case || state.case === shownCase) return;
        shownCase = state.case;
        box.textContent = "";
        box.append(prose(state.case));
    };

    const showRecordLink = () => {
        const links = document.getElementById("sessie-links");
        if (!links || links.querySelector("[data-record-link]")) return;
        const link = element("a", "", strings.record);
        link.href = `${baseUrl}verslag/`;
        link.dataset.recordLink = "";
        links.append(" · ", link);
    };

    // The facilitator's and timekeeper's buttons: forms that post without a socket ------------

    const controlActions = () => {
        const can = state.can;
        const paused = state.status === "paused";
        if (state.status === "ended") return [];
        if (can.control) {
            if (state.status === "planned") return ["start"];
            const actions = ["back", "next", paused ? "resume" : "pause", "extend"];
            const phase = state.phase;
            if (phase && phase.collects === "questions" && !phase.revealed) actions.push("reveal");
            actions.push("end");
            return actions;
        }
        if (can.keep_time) return [paused ? "resume" : "pause", "extend"];
        return [];
    };

    let controlsKey = null;
    // A pressed button is disabled until the answer, which takes its focus: give it back (to the
    // same action, or the first button) unless the person moved on meanwhile.
    let focusAction = null;
    const focusAgain = () => (document.activeElement === document.body || !document.activeElement ? focusAction : null);
    const renderControls = () => {
        const box = document.getElementById("sessie-sturen");
        if (!box) return;
        const actions = controlActions();
        const key = JSON.stringify([actions, shownPhase, state.can.control]);
        if (key === controlsKey && box.querySelector("button")) return;
        controlsKey = key;
        const focused = box.contains(document.activeElement) ? document.activeElement.value : focusAgain();
        const message = box.querySelector("[data-control-status]");
        const kept = message ? message.textContent : "";
        box.textContent = "";
        if (!actions.length) return;
        const section = element("section");
        section.setAttribute("aria-labelledby", "controls-heading");
        const heading = element("h2", "", state.can.control ? strings.run : strings.keep_time);
        heading.id = "controls-heading";
        section.append(heading);
        const row = element("div", "actions");
        actions.forEach((action) => {
            const form = postForm("sturen/");
            form.append(hiddenInput("phase", shownPhase === null ? "" : String(shownPhase)));
            const primary = action === "next" || action === "start";
            const button = element("button", primary ? "button" : "button button--secondary", strings.controls[action]);
            button.type = "submit";
            button.name = "action";
            button.value = action;
            button.disabled = pendingControl !== null;
            form.append(button);
            row.append(form);
        });
        section.append(row);
        const status = element("p", "", kept);
        status.dataset.controlStatus = "";
        status.setAttribute("role", "status");
        section.append(status);
        box.append(section);
        if (focused) {
            const again = box.querySelector(`button[value="${focused}"]`) || box.querySelector("button");
            if (again) again.focus();
        }
    };

    document.addEventListener("submit", (event) => {
        const box = document.getElementById("sessie-sturen");
        if (!box || !box.contains(event.target) || !event.submitter || !isOpen()) return; // the form posts
        event.preventDefault();
        if (pendingControl !== null) return;
        const action = event.submitter.value;
        const frame = { type: "control", action, id: ++frameIds };
        if (action === "extend") frame.minutes = extendMinutes;
        // The phase this page shows: a session that moved on meanwhile refuses `next`, `back`, `reveal`.
        if (["next", "back", "reveal"].includes(action) && state && state.phase) frame.phase = state.phase.id;
        pendingControl = frame.id;
        focusAction = action;
        box.querySelectorAll("button").forEach((button) => {
            button.disabled = true;
        });
        const status = box.querySelector("[data-control-status]");
        if (status) status.textContent = "";
        send(frame);
    });

    const controlDone = (message) => {
        pendingControl = null;
        const box = document.getElementById("sessie-sturen");
        if (!box) return;
        box.querySelectorAll("button").forEach((button) => {
            button.disabled = false;
        });
        const action = focusAgain();
        focusAction = null;
        const again = action && (box.querySelector(`button[value="${action}"]`) || box.querySelector("button"));
        if (again) again.focus();
        const status = box.querySelector("[data-control-status]");
        if (status) status.textContent = message || "";
    };

    // Contributions, by phase -----------------------------------------------------------------

    const contributionsSection = () => {
        const box = document.getElementById("sessie-bijdragen");
        let section = box.querySelector("section");
        if (!section) {
            section = element("section");
            section.setAttribute("aria-labelledby", "contributions-heading");
            const heading = element("h2", "", strings.contributions);
            heading.id = "contributions-heading";
            section.append(heading, element("div"));
            section.lastChild.id = "sessie-rondes";
            box.append(section);
        }
        return section;
    };

    const roundFor = (phaseId) => {
        const existing = document.querySelector(`#sessie-rondes [data-round="${phaseId}"]`);
        if (existing) return existing;
        contributionsSection();
        const rounds = document.getElementById("sessie-rondes");
        const round = element("div");
        round.dataset.round = phaseId;
        round.append(element("h3", "", phaseName(phaseId)), element("ul", "cards"));
        const order = state.phases.map((phase) => phase.id);
        const after = [...rounds.querySelectorAll("[data-round]")].find(
            (node) => order.indexOf(Number(node.dataset.round)) > order.indexOf(phaseId)
        );
        rounds.insertBefore(round, after || null);
        return round;
    };

    // The presenter's "take this advice": the page's form posts by the contribution's pk, which
    // only the page knows; one made here for new advice works over the socket.
    const renderTake = (li) => {
        const old = li.querySelector("form[data-take]");
        if (old) {
            if (old.getAttribute("action")) li.dataset.takeUrl = old.getAttribute("action");
            old.remove();
        }
        if (li.dataset.kind !== "advice" || !isPresenter || !state || state.status === "ended") return;
        const taken = li.dataset.taken === "1";
        const form = element("form");
        form.method = "post";
        form.dataset.take = "";
        // Without a socket it posts like the page's own form (its address is the page's, by pk).
        if (li.dataset.takeUrl) form.action = li.dataset.takeUrl;
        form.append(hiddenInput("csrfmiddlewaretoken", csrfToken));
        if (!taken) form.append(hiddenInput("taken", "on"));
        const button = element("button", "button button--secondary", taken ? strings.untake : strings.take);
        button.type = "submit";
        form.append(button);
        li.append(form);
    };
    const renderTakeButtons = () => document.querySelectorAll("#sessie-rondes li[data-seq]").forEach(renderTake);

    const renderContribution = (item) => {
        const li = element("li", "card");
        li.id = `bijdrage-${item.seq}`;
        li.dataset.seq = item.seq;
        li.dataset.rev = item.rev;
        li.dataset.kind = item.kind;
        li.dataset.taken = item.taken ? "1" : "0";
        li.dataset.mine = item.mine ? "1" : "0";
        const meta = element("p");
        meta.append(element("strong", "", item.author || (item.author_deleted ? strings.deleted_user : strings.participant)));
        if (item.kind === "advice" && item.taken) meta.append(" ", element("span", "tag", strings.taken));
        li.append(meta, prose(item.text));
        return li;
    };

    const applyContribution = (item) => {
        const shown = known.get(item.seq);
        if (shown !== undefined && shown >= item.rev) return;
        known.set(item.seq, item.rev);
        const li = renderContribution(item);
        const current = document.getElementById(`bijdrage-${item.seq}`);
        if (current) {
            if (current.dataset.takeUrl) li.dataset.takeUrl = current.dataset.takeUrl;
            const focused = current.contains(document.activeElement);
            current.replaceWith(li);
            renderTake(li);
            if (focused) {
                const again = li.querySelector("button") || li;
                if (again === li) li.tabIndex = -1;
                again.focus();
            }
            return;
        }
        const round = roundFor(item.phase);
        let list = round.querySelector("ul");
        if (!list) list = round.appendChild(element("ul", "cards")); // a blind round showed only its count
        const after = [...list.querySelectorAll("li[data-seq]")].find((node) => Number(node.dataset.seq) > item.seq);
        list.insertBefore(li, after || null);
        renderTake(li);
    };

    // Blind questions: per phase, how many wait until the facilitator reveals them. `waiting`
    // counts the others' questions by phase id; the reader's own are on the page. Until the first
    // sync the page's counts stand.
    const renderBlind = () => {
        if (waiting === null) return;
        document.querySelectorAll("#sessie-rondes [data-blind]").forEach((node) => {
            if (!waiting[node.closest("[data-round]").dataset.round]) node.remove();
        });
        Object.keys(waiting).forEach((phaseId) => {
            if (!waiting[phaseId]) return;
            const round = roundFor(Number(phaseId));
            const count = waiting[phaseId] + round.querySelectorAll("li[data-seq]").length;
            let node = round.querySelector("[data-blind]");
            if (!node) {
                node = element("p");
                node.dataset.blind = "";
                round.insertBefore(node, round.querySelector("ul"));
            }
            node.textContent = format(count === 1 ? strings.blind_one : strings.blind_other, { counter: count });
        });
    };

    // A reveal shows the phase's questions to all: its count goes at once (the sync brings them).
    const revealedNow = (phaseId) => {
        if (waiting !== null) delete waiting[String(phaseId)];
        const node = document.querySelector(`#sessie-rondes [data-round="${phaseId}"] [data-blind]`);
        if (node) node.remove();
    };

    // Observers: the list of who takes part ends with them, as the reader may see them named.
    const renderObservers = (observers) => {
        const list = document.getElementById("sessie-mensen");
        if (!list) return;
        list.querySelectorAll("li[data-observer]").forEach((node) => node.remove());
        const add = (text) => {
            const li = element("li", "", text);
            li.dataset.observer = "";
            list.append(li);
        };
        observers.names.forEach((name) => add(`${name} (${strings.observer})`));
        if (observers.hidden) {
            const words = observers.hidden === 1 ? strings.observers_hidden_one : strings.observers_hidden_other;
            add(format(words, { counter: observers.hidden }));
        }
    };

    // Action points ----------------------------------------------------------------------------

    const pointsList = () => {
        const box = document.getElementById("sessie-actiepunten");
        let section = box.querySelector("section");
        if (!section) {
            section = element("section");
            section.setAttribute("aria-labelledby", "actiepunten");
            const heading = element("h2", "", strings.action_points);
            heading.id = "actiepunten";
            section.append(heading);
            box.append(section);
        }
        let list = section.querySelector("ul[data-points]");
        if (!list) {
            list = element("ul");
            list.dataset.points = "";
            section.insertBefore(list, section.querySelector("form"));
        }
        return list;
    };

    const applyPoint = (point) => {
        const li = element("li", "", `${point.who}: ${point.what}`);
        li.dataset.point = point.id;
        if (point.due) {
            const due = new Date(`${point.due}T12:00:00`).toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" });
            li.append(` (${format(strings.by, { due })})`);
        }
        const current = document.querySelector(`li[data-point="${point.id}"]`);
        if (current) current.replaceWith(li);
        else pointsList().append(li);
    };

    // The writing forms: the page's own when it has one, else made here ----------------------

    const field = (labelText, control, id) => {
        const box = element("div", "field");
        const label = element("label", "", labelText);
        label.htmlFor = id;
        control.id = id;
        box.append(label, control);
        return box;
    };

    const withSlots = (form) => {
        if (!form.querySelector("[data-form-alert]")) {
            const alert = element("div", "form-errors");
            alert.dataset.formAlert = "";
            alert.setAttribute("role", "alert");
            form.insertBefore(alert, form.querySelector("button[type=submit]"));
        }
        if (!form.querySelector("[data-form-status]")) {
            const status = element("p", "help");
            status.dataset.formStatus = "";
            status.setAttribute("role", "status");
            form.append(status);
        }
        return form;
    };

    const contributionForm = () => {
        let form = document.querySelector("#sessie-bijdragen form[data-contribute]");
        if (form) return form;
        form = document.querySelector(`#sessie-bijdragen form[action$="bijdragen/"]`);
        if (!form) {
            form = postForm("bijdragen/");
            form.noValidate = true;
            form.append(hiddenInput("client_id", newClientId()));
            const text = element("textarea");
            text.name = "text";
            text.rows = 4;
            text.required = true;
            form.append(field(strings.your_contribution, text, "sessie-tekst"));
            const button = element("button", "button", strings.add);
            button.type = "submit";
            form.append(button);
            contributionsSection().append(form);
        }
        form.dataset.contribute = "";
        return withSlots(form);
    };

    const pointForm = () => {
        let form = document.querySelector("#sessie-actiepunten form[data-point-form]");
        if (form) return form;
        form = document.querySelector(`#sessie-actiepunten form[action$="actiepunten/"]`);
        if (!form) {
            form = postForm("actiepunten/");
            form.noValidate = true;
            const who = element("input");
            who.type = "text";
            who.name = "who";
            who.maxLength = 120;
            const what = element("textarea");
            what.name = "what";
            what.rows = 2;
            const due = element("input");
            due.type = "date";
            due.name = "due";
            form.append(
                field(strings.who, who, "sessie-wie"),
                field(strings.what, what, "sessie-wat"),
                field(strings.due, due, "sessie-tegen")
            );
            const button = element("button", "button", strings.add_point);
            button.type = "submit";
            form.append(button);
            pointsList();
            document.querySelector("#sessie-actiepunten section").append(form);
        }
        form.dataset.pointForm = "";
        return withSlots(form);
    };

    const renderForms = () => {
        const phase = state.phase;
        const writing = state.status === "live" && phase && state.can.contribute;
        const actions = writing && phase.collects === "actions";
        const existingText = document.querySelector("#sessie-bijdragen form[data-contribute], #sessie-bijdragen form[action$='bijdragen/']");
        if (writing && !actions) contributionForm().hidden = false;
        else if (existingText) existingText.hidden = true;
        const existingPoint = document.querySelector("#sessie-actiepunten form[data-point-form], #sessie-actiepunten form[action$='actiepunten/']");
        if (actions) pointForm().hidden = false;
        else if (existingPoint) existingPoint.hidden = true;
    };

    // "I checked this: save anyway": the services found likely identifiers in the text.
    const askConfirmation = (form, frame) => {
        const alert = form.querySelector("[data-form-alert]");
        alert.textContent = "";
        alert.append(element("p", "", frame.message));
        if (frame.findings && frame.findings.length) {
            const list = element("ul");
            frame.findings.forEach((finding) => {
                list.append(element("li", "", format(strings.finding, { label: strings.kinds[finding.kind] || finding.kind, text: finding.text })));
            });
            alert.append(list);
        }
        let box = form.querySelector("input[name=confirmed]");
        if (!box) {
            box = element("input");
            box.type = "checkbox";
            box.name = "confirmed";
            const wrapper = field(strings.confirm, box, `${form.dataset.contribute !== undefined ? "sessie-bevestig-bijdrage" : "sessie-bevestig-actiepunt"}`);
            wrapper.insertBefore(box, wrapper.firstChild);
            form.insertBefore(wrapper, form.querySelector("button[type=submit]"));
        }
        box.checked = false;
        box.focus();
    };

    const clearForm = (form) => {
        form.querySelector("[data-form-alert]").textContent = "";
        form.querySelector("[data-form-status]").textContent = "";
        const box = form.querySelector("input[name=confirmed]");
        if (box) box.closest(".field").remove();
        form.querySelectorAll(".field-errors, .form-errors:not([data-form-alert])").forEach((node) => node.remove());
    };

    const formStatus = (form, text) => {
        const node = form && form.querySelector("[data-form-status]");
        if (node) node.textContent = text;
    };

    document.addEventListener("submit", (event) => {
        const form = event.target;
        const contribute = form.matches("#sessie-bijdragen form[data-contribute]");
        const point = form.matches("#sessie-actiepunten form[data-point-form]");
        const take = form.matches("form[data-take]");
        if (take && !isOpen() && !form.getAttribute("action")) event.preventDefault(); // made here: socket only
        if (!(contribute || point || take) || !isOpen()) return; // without a socket the form posts
        event.preventDefault();
        const confirm = Boolean(form.querySelector("input[name=confirmed]:checked"));
        if (take) {
            const li = form.closest("li[data-seq]");
            const button = form.querySelector("button");
            button.disabled = true;
            send({ type: "take", seq: Number(li.dataset.seq), taken: li.dataset.taken !== "1", id: ++frameIds });
            return;
        }
        if (contribute) {
            if (pendingContribution) return;
            const text = form.querySelector("textarea[name=text]").value;
            if (!text.trim()) {
                form.querySelector("textarea[name=text]").focus();
                return;
            }
            pendingContribution = { client_id: form.querySelector("input[name=client_id]").value, text, confirm, id: ++frameIds };
            formStatus(form, strings.sending);
            send(Object.assign({ type: "contribute" }, pendingContribution));
            return;
        }
        if (pendingPoint) return;
        const who = form.querySelector("[name=who]").value;
        const what = form.querySelector("[name=what]").value;
        const due = form.querySelector("input[name=due]").value;
        pendingPoint = { id: ++frameIds, who, what, confirm };
        if (due) pendingPoint.due = due;
        formStatus(form, strings.sending);
        send(Object.assign({ type: "action_point" }, pendingPoint));
    });

    // A contribution refused with `busy` stored nothing: the same one (the same client_id, so never
    // twice) goes again after the server's retry_after, stretched by up to as much again at random.
    const contributeAgainLater = (seconds) => {
        clearTimeout(contributionRetry);
        const wait = (Number(seconds) > 0 ? Number(seconds) : 1) * 1000 * (1 + Math.random());
        contributionRetry = setTimeout(() => {
            if (pendingContribution) send(Object.assign({ type: "contribute" }, pendingContribution));
        }, wait);
    };

    // Frames ----------------------------------------------------------------------------------

    const handleError = (frame) => {
        if (pendingContribution && frame.client_id === pendingContribution.client_id) {
            const form = contributionForm();
            if (frame.code === "busy") {
                formStatus(form, frame.message); // the text stays in the form
                contributeAgainLater(frame.retry_after);
                return;
            }
            pendingContribution = null;
            formStatus(form, "");
            if (frame.code === "identifiers") askConfirmation(form, frame);
            else form.querySelector("[data-form-alert]").textContent = frame.message;
            return;
        }
        if (pendingPoint && frame.id === pendingPoint.id) {
            const form = pointForm();
            pendingPoint = null;
            formStatus(form, "");
            if (frame.code === "identifiers") askConfirmation(form, frame);
            else form.querySelector("[data-form-alert]").textContent = frame.message;
            return;
        }
        if (pendingControl !== null && frame.id === pendingControl) {
            controlDone(frame.message);
            return;
        }
        if (frame.code === "invalid_field") return;
        document.querySelectorAll("form[data-take] button").forEach((button) => {
            button.disabled = false;
        });
        setConnection(frame.message);
    };

    const handle = (frame) => {
        switch (frame.type) {
            case "hello":
                setConnection("");
                document.documentElement.dataset.sessionSocket = "open"; // connected and in step
                syncing = false;
                syncAgain = false;
                applyState(frame.state); // announced only if it differs from what the page showed
                if (frame.state.rev > lastRev) sync();
                clearTimeout(contributionRetry);
                // Sent again after a reconnect with the same client_id: stored once at most.
                if (pendingContribution) send(Object.assign({ type: "contribute" }, pendingContribution));
                if (pendingPoint) {
                    formStatus(pointForm(), "");
                    pendingPoint = null;
                }
                if (pendingControl !== null) controlDone("");
                break;
            case "changed":
                if (frame.rev <= lastRev) break;
                if (frame.state) {
                    const wasRevealed = state && state.phase && state.phase.revealed;
                    const samePhase = state && state.phase && frame.state.phase && state.phase.id === frame.state.phase.id;
                    applyState(frame.state);
                    const revealed = samePhase && !wasRevealed && frame.state.phase.revealed;
                    // A phase change alone changes no contribution; a reveal or a gap does.
                    if (frame.rev === lastRev + 1 && !revealed && !syncing) lastRev = frame.rev;
                    else sync();
                } else {
                    sync();
                }
                break;
            case "sync":
                syncing = false;
                applyState(frame.state);
                frame.contributions.forEach(applyContribution);
                frame.action_points.forEach(applyPoint);
                waiting = isFacilitator ? {} : Object.assign({}, frame.waiting_questions);
                renderBlind();
                if (frame.observers) renderObservers(frame.observers);
                lastRev = Math.max(lastRev, frame.rev);
                if (syncAgain) {
                    syncAgain = false;
                    sync();
                }
                break;
            case "pong":
                // The session's last change may have been lost with no later one to show the gap.
                if (frame.rev > lastRev) sync();
                break;
            case "resync":
                syncing = false;
                sync();
                break;
            case "ack":
                if (pendingContribution && frame.client_id === pendingContribution.client_id) {
                    clearTimeout(contributionRetry);
                    pendingContribution = null;
                    const form = contributionForm();
                    form.querySelector("textarea[name=text]").value = "";
                    form.querySelector("input[name=client_id]").value = newClientId();
                    clearForm(form);
                }
                if (frame.contribution && frame.contribution.rev > lastRev) sync();
                break;
            case "done":
                if (frame.request === "control" && frame.id === pendingControl) controlDone("");
                if (frame.request === "action_point" && pendingPoint && frame.id === pendingPoint.id) {
                    pendingPoint = null;
                    const form = pointForm();
                    form.querySelectorAll("input[name=who], textarea[name=what], input[name=due]").forEach((input) => {
                        input.value = "";
                    });
                    clearForm(form);
                    sync();
                }
                break;
            case "error":
                handleError(frame);
                break;
            default:
                break;
        }
    };

    // The connection: back-off from 1 s doubling to 30 s, jittered; resync after the last rev --

    const connect = () => {
        clearTimeout(retryTimer);
        const scheme = window.location.protocol === "https:" ? "wss" : "ws";
        const current = new WebSocket(`${scheme}://${window.location.host}/ws/sessions/${sessionId}/`);
        socket = current;
        current.addEventListener("open", () => {
            attempt = 0;
        });
        current.addEventListener("message", (event) => {
            try {
                handle(JSON.parse(event.data));
            } catch (error) {
                console.warn("Samenhuis: unreadable session frame", error);
            }
        });
        current.addEventListener("close", (event) => {
            if (socket !== current) return; // dropped on purpose (offline); already handled
            socket = null;
            syncing = false;
            document.documentElement.dataset.sessionSocket = "closed";
            if (CLOSE_FINAL.has(event.code)) {
                setConnection(strings.closed);
                return;
            }
            setConnection(strings.reconnecting);
            const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
            attempt += 1;
            retryTimer = setTimeout(connect, delay);
        });
    };

    // The browser knows before the socket does: drop it at once and come back with the network.
    window.addEventListener("offline", () => {
        const current = socket;
        socket = null;
        syncing = false;
        clearTimeout(retryTimer);
        document.documentElement.dataset.sessionSocket = "closed";
        setConnection(strings.reconnecting);
        if (current) current.close();
    });
    window.addEventListener("online", () => {
        if (!socket || socket.readyState === WebSocket.CLOSED) {
            attempt = 0;
            connect();
        }
    });

    // What the page showed counts as seen.
    document.querySelectorAll("#sessie-rondes li[data-seq]").forEach((li) => known.set(Number(li.dataset.seq), Number(li.dataset.rev)));

    setInterval(tick, 1000);
    setInterval(() => send({ type: "ping" }), 30000);
    connect();
}
