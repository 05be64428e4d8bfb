// @mentions in a message box: people type "@" and part of a name, choose from the people who may
// read the room, and see only "@Name" in the text. The ids of the people chosen travel in the
// composer's hidden field (and a post frame's `mentions`), in the order the text names them, so
// the server tells namesakes apart; a name typed without choosing is looked up by the server
// (docs/realtime.md, "Mentions").
//
// The WAI-ARIA 1.2 combobox pattern with a listbox popup, on a textarea (which cannot take the
// combobox role): aria-autocomplete="list", aria-controls and aria-activedescendant on the
// textarea, which keeps focus throughout; arrows move, Enter or Tab chooses, Escape closes; a
// polite live region says how many people are offered. The mouse works too.

const NAME_START = /(?:^|[^\p{L}\p{N}_@])@([^\n@]{0,40})$/u;

export function mentionAutocomplete({ input, ids, status, strings, ask }) {
    const box = document.createElement("ul");
    box.className = "mention-options";
    box.id = `${input.id}-mentions`;
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-label", strings.mention_list);
    box.hidden = true;
    input.after(box);
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", box.id);

    // The people chosen, oldest first: {id, name, at} (`at`: where the mention started). Ids the
    // page came back with (a form refused for its attachments) have no name and are kept as they are.
    let chosen = (ids.value.match(/\d+/g) || []).map((id) => ({ id: Number(id), name: null, at: -1 }));
    let asked = 0;
    let token = null; // {start, end, query}: "@query" being typed, start at the "@"
    let dismissed = -1; // the "@" whose suggestions Escape closed
    let people = [];
    let active = -1;

    const say = (text) => {
        if (status) status.textContent = text;
    };
    const isOpen = () => !box.hidden;

    // Ids in the order the text names the people: each chosen name found after an "@"; namesakes
    // are matched to their mentions in the order they were chosen.
    const syncIds = () => {
        const text = input.value;
        const found = [];
        const byName = new Map();
        chosen.filter((person) => person.name).forEach((person) => {
            if (!byName.has(person.name)) byName.set(person.name, []);
            byName.get(person.name).push(person);
        });
        byName.forEach((namesakes, name) => {
            namesakes.sort((a, b) => a.at - b.at);
            let from = 0;
            for (const person of namesakes) {
                const at = text.indexOf(`@${name}`, from);
                if (at < 0) break;
                found.push([at, person.id]);
                from = at + name.length + 1;
            }
        });
        found.sort((a, b) => a[0] - b[0]);
        const list = [...found.map(([, id]) => id), ...chosen.filter((person) => !person.name).map((person) => person.id)];
        ids.value = list.join(" ");
        return list;
    };

    const close = () => {
        box.hidden = true;
        box.replaceChildren();
        people = [];
        active = -1;
        token = null;
        input.removeAttribute("aria-activedescendant");
    };

    const highlight = (index) => {
        active = index;
        box.querySelectorAll("[role=option]").forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
        input.setAttribute("aria-activedescendant", `${box.id}-${index}`);
        box.children[index]?.scrollIntoView({ block: "nearest" });
    };

    const choose = (index) => {
        const person = people[index];
        if (!person || !token) return;
        const text = input.value;
        const inserted = `@${person.name} `;
        input.value = text.slice(0, token.start) + inserted + text.slice(token.end);
        const caret = token.start + inserted.length;
        input.setSelectionRange(caret, caret);
        chosen.push({ id: person.id, name: person.name, at: token.start });
        close();
        syncIds();
        say(strings.mention_chosen.replace("%s", person.name));
    };

    // The "@" before the caret and what follows it, unless it starts a mention already chosen.
    const tokenAtCaret = () => {
        const caret = input.selectionStart;
        if (caret !== input.selectionEnd) return null;
        const match = NAME_START.exec(input.value.slice(0, caret));
        if (!match || /^\s/.test(match[1])) return null;
        const start = caret - match[1].length - 1;
        const text = input.value;
        if (chosen.some((person) => person.name && text.startsWith(`@${person.name}`, start))) return null;
        return { start, end: caret, query: match[1] };
    };

    const update = () => {
        syncIds();
        const found = tokenAtCaret();
        if (!found || found.start === dismissed) {
            if (token) say(""); // the suggestions are gone, and so is what the live region said
            return close();
        }
        dismissed = -1;
        token = found;
        asked += 1;
        if (!ask(found.query, `mentions-${asked}`)) close(); // no socket now: nobody to offer
    };

    input.addEventListener("input", update);
    input.addEventListener("blur", () => setTimeout(close, 150));
    input.addEventListener("keydown", (event) => {
        if (!isOpen()) return;
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            close(); // Ctrl+Enter sends (the composer handles it), with the text as it is
        } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            const step = event.key === "ArrowDown" ? 1 : -1;
            highlight((active + step + people.length) % people.length);
        } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && active >= 0) {
            event.preventDefault();
            choose(active);
        } else if (event.key === "Escape") {
            event.preventDefault(); // the popup closes; the text stays
            dismissed = token ? token.start : -1;
            close();
            say("");
        }
    });

    return {
        // The server's answer to `ask`: [{id, name}] (only the newest question counts).
        show(frame) {
            if (frame.id !== `mentions-${asked}` || !token) return;
            people = frame.people;
            box.replaceChildren();
            people.forEach((person, index) => {
                const option = document.createElement("li");
                option.className = "mention-options__option";
                option.textContent = person.name;
                option.id = `${box.id}-${index}`;
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                option.addEventListener("mousedown", (event) => {
                    event.preventDefault(); // keep focus in the textarea
                    choose(index);
                });
                option.addEventListener("mousemove", () => {
                    if (active !== index) highlight(index);
                });
                box.append(option);
            });
            if (people.length) {
                box.hidden = false;
                highlight(0);
                say(strings.mention_options.replace("%s", people.length));
            } else if (/\s/.test(token.query)) {
                close(); // "@Name and more words" typed by hand: nothing to offer, nothing to say
            } else {
                box.hidden = true;
                input.removeAttribute("aria-activedescendant");
                say(strings.mention_none);
            }
        },
        // The ids to send with the text now (also written to the hidden field).
        ids: syncIds,
        // After the message was sent: a new message chooses anew.
        reset() {
            chosen = [];
            dismissed = -1;
            ids.value = "";
            close();
        },
    };
}
