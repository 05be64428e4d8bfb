// /account/gegevens/: while an export is being prepared, fetch the page every few seconds and put
// its fresh status list in place, so the progress moves and the download link appears without a
// reload. Without JavaScript the page's "Vernieuw" link does the same.
const POLL_MS = 3000;

function region(root) {
    return root.querySelector("[data-export-status]");
}

async function poll() {
    const current = region(document);
    if (!current || !current.hasAttribute("data-export-pending")) {
        return;
    }
    try {
        const response = await fetch(window.location.pathname, {
            credentials: "same-origin",
            headers: { Accept: "text/html" },
        });
        if (response.ok) {
            const fresh = region(new DOMParser().parseFromString(await response.text(), "text/html"));
            if (fresh && fresh.innerHTML !== current.innerHTML) {
                current.innerHTML = fresh.innerHTML;
            }
            if (!fresh || !fresh.hasAttribute("data-export-pending")) {
                current.removeAttribute("data-export-pending");
                return;
            }
        }
    } catch {
        // Offline for a moment: try again at the next tick.
    }
    window.setTimeout(poll, POLL_MS);
}

window.setTimeout(poll, POLL_MS);
