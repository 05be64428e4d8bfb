// Live discussion room: enhances the plain room page (which works without JavaScript).
// Protocol and guarantees: docs/realtime.md. The database is the record; this client keeps
// the highest `rev` it is sure of, asks for everything after it on every (re)connect and
// whenever live traffic skips a number, and shows each message once, in its newest state.
// By keyboard (docs/realtime.md, "By keyboard"): Ctrl+Enter sends, "@" offers people to mention
// (mentions.js), a message's six reactions sit behind one "Reageer" and focus survives a message
// being redrawn.
import { mentionAutocomplete } from "./mentions.js";

const list = document.querySelector("[data-room-socket]");

if (list && "WebSocket" in window) {
    const strings = JSON.parse(document.getElementById("room-strings").textContent);
    const roomId = list.dataset.room;
    const slug = list.dataset.roomSlug;
    const me = Number(list.dataset.user);
    const threadSeq = list.dataset.thread ? Number(list.dataset.thread) : null;
    const live = list.dataset.live === "1";
    const announcer = document.getElementById("room-announcer");
    const status = document.querySelector("[data-room-connection]");
    const composer = document.querySelector("[data-composer]");
    const CLOSE_FINAL = new Set([4401, 4403, 4404]);
    let lastRev = Number(list.dataset.lastRev);
    let socket = null;
    let attempt = 0;
    let pending = null; // the post waiting for its ack: {client_id, body, parent, mentions}
    const known = new Map(); // seq -> rev shown

    list.querySelectorAll("li[data-seq]").forEach((item) => known.set(Number(item.dataset.seq), Number(item.dataset.rev)));
    // The page shows the newest messages as it was loaded; anything numbered above is new. A change
    // to an older message that is not on the page (an edit, a reaction) is not a new message.
    const loadedUpTo = Math.max(0, ...known.keys());

    const setStatus = (text) => {
        if (!status) return;
        status.textContent = text;
        status.hidden = !text;
    };
    const send = (frame) => {
        if (socket && socket.readyState === WebSocket.OPEN) {
            socket.send(JSON.stringify(frame));
            return true;
        }
        return false;
    };
    // crypto.randomUUID exists only on HTTPS and localhost; getRandomValues everywhere.
    const newClientId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
    const roomUrl = (suffix) => `/gemeenschap/gesprekken/${slug}/${suffix}`;

    const element = (tag, className, text) => {
        const node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined) node.textContent = text;
        return node;
    };

    // The same form as the server's `html_datetime` filter: whole seconds, in UTC.
    const htmlDateTime = (value) => new Date(value).toISOString().replace(/\.\d+Z$/, "Z");

    const render = (message) => {
        const item = element("li", "message-item");
        if (message.deleted || message.hidden) item.classList.add("message-item--removed");
        item.id = `bericht-${message.seq}`;
        item.dataset.seq = message.seq;
        item.dataset.rev = message.rev;
        const meta = element("p", "message-item__meta");
        // A hidden author (docs/privacy.md) comes with a neutral name and no id, in the viewer's language.
        const authorClass = message.author && message.author.hidden ? "message-item__author message-item__author--unnamed" : "message-item__author";
        meta.append(element("strong", authorClass, message.author ? message.author.name : strings.deleted_user), " ");
        const when = element("a", "message-item__time");
        when.href = roomUrl(`${message.parent || message.seq}/`);
        const time = element("time", "", new Date(message.created_at).toLocaleString(document.documentElement.lang || "nl-BE", { dateStyle: "long", timeStyle: "short" }));
        time.dateTime = htmlDateTime(message.created_at);
        when.append(time);
        meta.append(when);
        if (message.edited && !message.deleted) meta.append(" ", element("span", "message-item__edited", strings.edited));
        item.append(meta);
        if (message.deleted) item.append(element("p", "message-item__removed", strings.deleted));
        else if (message.hidden) item.append(element("p", "message-item__removed", strings.hidden));
        if (message.body_html) {
            const body = element("div", "message-item__body");
            body.innerHTML = message.body_html; // sanitised on the server (nh3)
            item.append(body);
        }
        if (message.original_html) {
            const details = element("details", "message-item__original");
            details.append(element("summary", "", strings.original));
            const original = element("div");
            original.innerHTML = message.original_html;
            details.append(original);
            item.append(details);
        }
        if (message.attachments.length) {
            const files = element("ul", "message-item__files");
            message.attachments.forEach((file) => {
                const li = element("li");
                const link = element("a", "", file.name);
                link.href = file.url;
                link.setAttribute("download", "");
                li.append(link);
                files.append(li);
            });
            item.append(files);
        }
        if (message.reactions.length) {
            const reactions = element("ul", "reactions");
            reactions.setAttribute("aria-label", strings.reactions);
            message.reactions.forEach((reaction) => reactions.append(element("li", "", `${reaction.emoji} ${reaction.count}`)));
            item.append(reactions);
        }
        if (threadSeq === null && !message.parent) {
            const thread = element("p", "message-item__thread");
            const link = element("a", "", message.reply_count ? strings.replies.replace("%s", message.reply_count) : strings.reply);
            link.href = roomUrl(`${message.seq}/`);
            thread.append(link);
            item.append(thread);
        }
        if (!message.deleted && !message.hidden) {
            const actions = element("div", "message-item__actions");
            if (list.dataset.canPost === "1") actions.append(reactionPicker(message.seq));
            const own = message.author && message.author.id === me;
            const links = own ? [["edit", "bewerken/"], ["delete", "verwijderen/"]] : [["report", "melden/"]];
            links.forEach(([label, path]) => {
                const link = element("a", "", strings[label]);
                link.href = roomUrl(`${message.seq}/${path}`);
                actions.append(" ", link);
            });
            item.append(actions);
        }
        return item;
    };

    // One "Reageer" per message opens its six reactions (<details>: no script needed), as the
    // page renders it; the form posts as a page when there is no socket.
    const csrfToken = document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
    const reactionPicker = (seq) => {
        const picker = element("details", "reaction-picker");
        picker.append(element("summary", "reaction-picker__toggle", strings.react));
        const form = element("form", "reaction-form");
        form.method = "post";
        form.action = roomUrl(`${seq}/reageren/`);
        const token = element("input");
        token.type = "hidden";
        token.name = "csrfmiddlewaretoken";
        token.value = csrfToken;
        form.append(token);
        strings.emoji.forEach(([emoji, label]) => {
            const button = element("button", "reaction-button");
            button.type = "submit";
            button.name = "emoji";
            button.value = emoji;
            button.title = label;
            const face = element("span", "", emoji);
            face.setAttribute("aria-hidden", "true");
            button.append(face, element("span", "visually-hidden", `${strings.react_with} ${label}`));
            form.append(button);
        });
        picker.append(form);
        return picker;
    };

    // A reaction goes over the socket when it is open (the page's forms included); the picker
    // closes and keeps focus on its "Reageer", which the redrawn message gets back (`apply`).
    // A thread's first message is not redrawn here (`belongsHere`): its form posts as a page.
    list.addEventListener("submit", (event) => {
        const form = event.target.closest(".reaction-form");
        const item = form && form.closest("li[data-seq]");
        if (!item || !event.submitter || !send({ type: "react", seq: Number(item.dataset.seq), emoji: event.submitter.value })) return;
        event.preventDefault();
        const picker = form.closest("details");
        picker.open = false;
        picker.querySelector("summary").focus();
    });
    document.addEventListener("keydown", (event) => {
        const picker = event.key === "Escape" && event.target.closest?.("details.reaction-picker[open]");
        if (!picker) return;
        picker.open = false;
        picker.querySelector("summary").focus();
    });

    // Whatever had focus in a message that is redrawn (a reaction, an edit elsewhere) has it again
    // in the new one: the same control by its place, or the message itself.
    const FOCUSABLE = "a[href], button, summary, input:not([type=hidden]), textarea, select";
    const replaceKeepingFocus = (current, item) => {
        const focused = current.contains(document.activeElement) ? document.activeElement : null;
        const index = focused ? [...current.querySelectorAll(FOCUSABLE)].indexOf(focused) : -1;
        current.replaceWith(item);
        if (!focused) return;
        const again = item.querySelectorAll(FOCUSABLE)[index];
        if (again) {
            again.focus();
        } else {
            item.tabIndex = -1;
            item.focus();
        }
    };

    const belongsHere = (message) => (threadSeq === null ? message.parent === null : message.parent === threadSeq);

    const apply = (message) => {
        if (!belongsHere(message)) return;
        const shown = known.get(message.seq);
        if (shown !== undefined && shown >= message.rev) return; // already this state or newer
        const current = document.getElementById(`bericht-${message.seq}`);
        const item = render(message);
        if (current) {
            replaceKeepingFocus(current, item);
        } else {
            if (!live) return; // an older page: new messages are on the newest page
            if (message.seq <= loadedUpTo) return; // older than this page: not shown here
            list.querySelector("[data-empty]")?.remove();
            const after = [...list.querySelectorAll("li[data-seq]")].find((node) => Number(node.dataset.seq) > message.seq);
            list.insertBefore(item, after || null);
            if (!message.author || message.author.id !== me) {
                const who = message.author ? message.author.name : strings.deleted_user;
                announcer.textContent = `${strings.new_from.replace("%s", who)} ${item.querySelector(".message-item__body")?.textContent || ""}`;
            }
        }
        known.set(message.seq, message.rev);
    };

    const updateParent = (parent) => {
        if (!parent || threadSeq !== null) return;
        const link = document.querySelector(`#bericht-${parent.seq} .message-item__thread a`);
        if (link) link.textContent = strings.replies.replace("%s", parent.reply_count);
    };

    // The read position is sent at most every few seconds, not per message: two hundred
    // readers answering every message would cost the server more than the messages do. The
    // pause varies, so readers who saw the same message do not all answer at the same moment.
    const READ_EVERY_MS = 3000;
    let readTimer = null;
    let readSent = 0;
    const markRead = () => {
        if (document.visibilityState !== "visible" || !live || readTimer) return;
        readTimer = setTimeout(() => {
            readTimer = null;
            readSent = Date.now();
            const highest = Math.max(0, ...known.keys());
            if (highest) send({ type: "read", seq: highest });
        }, Math.max(500, readSent + READ_EVERY_MS * (1 + Math.random()) - Date.now()));
    };

    const sync = () => send({ type: "sync", after_rev: lastRev });
    // Changes can arrive out of order when the room's writers sit on different server processes.
    // A rev beyond the next one is kept aside; the gap is given GAP_WAIT_MS to fill itself before
    // a sync asks for what is missing.
    const GAP_WAIT_MS = 500;
    const ahead = new Set();
    let gapTimer = null;
    const advance = () => {
        ahead.forEach((rev) => {
            if (rev <= lastRev) ahead.delete(rev);
        });
        while (ahead.delete(lastRev + 1)) lastRev += 1;
        if (!ahead.size) {
            clearTimeout(gapTimer);
            gapTimer = null;
        }
    };
    const changeArrived = (rev) => {
        if (rev === lastRev + 1) lastRev = rev;
        else if (rev > lastRev + 1) ahead.add(rev);
        advance();
        if (ahead.size && !gapTimer) {
            gapTimer = setTimeout(() => {
                gapTimer = null;
                if (ahead.size) sync(); // still a gap: something was not delivered
            }, GAP_WAIT_MS);
        }
    };
    // A post refused with `busy` stored nothing: the same post (the same client_id, so never
    // twice) goes again after the server's retry_after, doubled for every refusal of the same post
    // (up to 16 times) and stretched by up to as much again at random, so that the clients
    // refused together neither come back at once nor keep a busy server busy.
    let postRetryTimer = null;
    let busyRefusals = 0;
    const postAgainLater = (seconds) => {
        clearTimeout(postRetryTimer);
        const backoff = 2 ** Math.min(busyRefusals, 4);
        busyRefusals += 1;
        const wait = (Number(seconds) > 0 ? Number(seconds) : 1) * backoff * 1000 * (1 + Math.random());
        postRetryTimer = setTimeout(() => {
            if (pending) send({ type: "post", ...pending });
        }, wait);
    };

    const handle = (frame) => {
        switch (frame.type) {
            case "hello":
                setStatus("");
                if (frame.rev > lastRev) sync();
                clearTimeout(postRetryTimer);
                if (pending) send({ type: "post", ...pending }); // same client_id: never twice
                markRead();
                break;
            case "message":
                apply(frame.message);
                updateParent(frame.parent);
                changeArrived(frame.rev);
                markRead();
                break;
            case "pong":
                // The room's last change may have been lost with no later one to reveal the
                // gap; the pong (every 30 s) tells the room's rev, so it is repaired within one.
                if (frame.rev > lastRev) sync();
                break;
            case "resync":
                // The socket fell behind and dropped what it had queued: ask for everything
                // after the last rev shown, as after a reconnect.
                sync();
                break;
            case "sync":
                frame.messages.forEach(apply);
                if (frame.has_more) {
                    send({ type: "sync", after_rev: frame.rev });
                } else {
                    lastRev = Math.max(lastRev, frame.rev);
                    advance();
                }
                markRead();
                break;
            case "ack":
                if (pending && frame.client_id === pending.client_id) {
                    apply(frame.message);
                    clearTimeout(postRetryTimer);
                    pending = null;
                    composer.querySelector("textarea").value = "";
                    composer.querySelector("input[name=client_id]").value = newClientId();
                    mentions?.reset();
                    composerStatus("");
                }
                break;
            case "mentions":
                if (mentions) mentions.show(frame);
                break;
            case "presence":
                document.querySelectorAll("[data-people] li[data-person]").forEach((li) => {
                    const online = frame.online.some((person) => String(person.id) === li.dataset.person);
                    const badge = li.querySelector("[data-presence]");
                    badge.classList.toggle("presence--online", online);
                    badge.textContent = online ? strings.online : strings.offline;
                });
                break;
            case "state":
                list.dataset.canPost = frame.can_post ? "1" : "0";
                if (composer) composer.hidden = !frame.can_post;
                break;
            case "error":
                if (pending && frame.client_id === pending.client_id && frame.code === "busy") {
                    composerStatus(frame.message); // the text stays in the composer
                    postAgainLater(frame.retry_after);
                } else if (pending && frame.client_id === pending.client_id) {
                    pending = null;
                    composerStatus(frame.message);
                } else if (frame.code !== "invalid_field") {
                    setStatus(frame.message);
                }
                break;
            default:
                break;
        }
    };

    const composerStatus = (text) => {
        const node = composer && composer.querySelector("[data-composer-status]");
        if (node) node.textContent = text;
    };

    let retryTimer = null;
    const connect = () => {
        clearTimeout(retryTimer);
        const scheme = window.location.protocol === "https:" ? "wss" : "ws";
        const current = new WebSocket(`${scheme}://${window.location.host}/ws/rooms/${roomId}/`);
        socket = current;
        current.addEventListener("open", () => {
            attempt = 0;
            document.documentElement.dataset.roomSocket = "open";
        });
        current.addEventListener("message", (event) => {
            try {
                handle(JSON.parse(event.data));
            } catch (error) {
                console.warn("Samenhuis: unreadable room frame", error);
            }
        });
        current.addEventListener("close", (event) => {
            if (socket !== current) return; // dropped on purpose (offline); already handled
            document.documentElement.dataset.roomSocket = "closed";
            if (CLOSE_FINAL.has(event.code)) {
                setStatus(strings.closed);
                if (composer) composer.hidden = true;
                return;
            }
            setStatus(strings.reconnecting);
            const delay = Math.min(30000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
            attempt += 1;
            retryTimer = setTimeout(connect, delay);
        });
    };

    // The browser knows before the socket does: drop it at once (without waiting for a closing
    // handshake that cannot travel), and come back as soon as the network does; the sync after
    // hello fills in what was missed.
    window.addEventListener("offline", () => {
        const current = socket;
        socket = null;
        clearTimeout(retryTimer);
        document.documentElement.dataset.roomSocket = "closed";
        setStatus(strings.reconnecting);
        if (current) current.close();
    });
    window.addEventListener("online", () => {
        if (!socket || socket.readyState === WebSocket.CLOSED) {
            attempt = 0;
            connect();
        }
    });

    if (composer) {
        composer.addEventListener("submit", (event) => {
            const files = composer.querySelector("input[type=file]");
            if (files && files.files.length) return; // attachments go through the plain form
            if (!socket || socket.readyState !== WebSocket.OPEN) return; // the form still works
            event.preventDefault();
            if (pending) return;
            const body = composer.querySelector("textarea").value;
            busyRefusals = 0;
            pending = {
                client_id: composer.querySelector("input[name=client_id]").value,
                body,
                parent: threadSeq,
                mentions: mentions ? mentions.ids() : [],
            };
            composerStatus(strings.sending);
            send({ type: "post", ...pending });
        });
        // Ctrl+Enter (Cmd+Enter on a Mac) sends, over the socket or as the plain form.
        const textarea = composer.querySelector("textarea");
        textarea.setAttribute("aria-keyshortcuts", "Control+Enter Meta+Enter");
        document.getElementById(`${textarea.id}-help`)?.append(" ", strings.send_shortcut);
        textarea.addEventListener("keydown", (event) => {
            if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.isComposing) return;
            event.preventDefault();
            composer.requestSubmit();
        });
    }
    // @mentions (mentions.js): the people who may read this room, asked for over the socket.
    const mentionInput = composer && composer.querySelector("[data-mention-input]");
    const mentions =
        mentionInput &&
        mentionAutocomplete({
            input: mentionInput,
            ids: composer.querySelector("[data-mention-ids]"),
            status: composer.querySelector("[data-composer-status]"),
            strings,
            ask: (query, id) => send({ type: "mentions", query, id }),
        });

    document.addEventListener("visibilitychange", markRead);
    setInterval(() => send({ type: "ping" }), 30000);
    connect();
}
