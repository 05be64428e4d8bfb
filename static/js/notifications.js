// Live notifications over /ws/notifications/ (protocol: docs/realtime.md).
// Without JavaScript the notifications page shows the same list; this only adds live updates.
const anchor = document.querySelector("[data-notifications-socket]");
const region = document.getElementById("live-notifications");

if (anchor && region && "WebSocket" in window) {
    const badge = document.querySelector("[data-unread-count]");
    const number = document.querySelector("[data-unread-number]");
    const CLOSE_UNAUTHENTICATED = 4401;
    const CLOSE_RECONNECT = 4000;
    const MAX_TOASTS = 3;
    // Resume point: everything up to lastId is known, from the page or a sync answer. A live
    // notification does not move it (ids are shared by everyone, so one that was lost before it
    // leaves no visible gap); the next pong reports a higher id and a sync fills in. `seen` stops
    // duplicates when a live announcement and a sync answer carry the same notification.
    let lastId = Number(anchor.dataset.lastId || 0);
    const seen = new Set();
    let attempt = 0;
    let socket = null;

    const setUnread = (count) => {
        if (!badge || !number) return;
        number.textContent = String(count);
        badge.hidden = count === 0;
    };

    const show = (notification) => {
        if (seen.has(notification.id)) return false;
        seen.add(notification.id);
        const toast = document.createElement("p");
        toast.className = "toast";
        toast.dataset.notificationId = String(notification.id);
        if (notification.url) {
            const link = document.createElement("a");
            link.href = notification.url;
            link.textContent = notification.text;
            toast.append(link);
        } else {
            toast.textContent = notification.text;
        }
        region.append(toast);
        while (region.children.length > MAX_TOASTS) region.firstElementChild.remove();
        setTimeout(() => toast.remove(), 15000);
        return true;
    };

    const handle = (frame) => {
        switch (frame.type) {
            case "hello":
            case "unread":
                setUnread(frame.unread);
                break;
            case "notification":
                if (show(frame.notification)) setUnread(Number(number ? number.textContent : 0) + 1);
                break;
            case "sync":
                frame.notifications.forEach(show);
                setUnread(frame.unread);
                if (frame.notifications.length) {
                    // Oldest first, one page at a time: everything up to the last one is known.
                    lastId = Math.max(lastId, frame.notifications[frame.notifications.length - 1].id);
                    if (frame.has_more) socket.send(JSON.stringify({ type: "sync", after: lastId }));
                }
                break;
            case "pong":
                // Where the stream is now: a lost last notification, or a lost "unread", shows here.
                setUnread(frame.unread);
                if (frame.last_id > lastId) socket.send(JSON.stringify({ type: "sync", after: lastId }));
                break;
            default:
                break;
        }
    };

    const connect = () => {
        const scheme = window.location.protocol === "https:" ? "wss" : "ws";
        socket = new WebSocket(`${scheme}://${window.location.host}/ws/notifications/`);
        socket.addEventListener("open", () => {
            attempt = 0;
            // Subscribed first, then ask for anything that arrived while we were away.
            socket.send(JSON.stringify({ type: "sync", after: lastId }));
            document.documentElement.dataset.notificationsSocket = "open";
        });
        socket.addEventListener("message", (event) => {
            try {
                handle(JSON.parse(event.data));
            } catch (error) {
                console.warn("Samenhuis: unreadable notification frame", error);
            }
        });
        socket.addEventListener("close", (event) => {
            document.documentElement.dataset.notificationsSocket = "closed";
            if (event.code === CLOSE_UNAUTHENTICATED) return;
            if (event.code === CLOSE_RECONNECT) attempt = 0;
            const delay = Math.min(30000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
            attempt += 1;
            setTimeout(connect, delay);
        });
    };

    // Pings keep this person counted as online (mentions then arrive here instead of by e-mail).
    setInterval(() => {
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
    }, 30000);

    connect();
}
