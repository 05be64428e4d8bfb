// "Find a Huis van het Kind" on the home page answers without leaving the page: the form's own GET
// is fetched and only its answer is swapped in (a live region, so screen readers hear it). Without
// JavaScript, or when the fetch fails, the form loads the page with the same answer.
const form = document.querySelector("form[data-house-lookup]");
const answer = form && document.getElementById(form.dataset.houseLookup);

form?.addEventListener("submit", async (event) => {
  if (!answer || !window.fetch || !window.DOMParser) return;
  event.preventDefault();
  const address = new URL(form.action, document.baseURI);
  address.search = new URLSearchParams(new FormData(form)).toString();
  address.hash = "";
  answer.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(address, { headers: { Accept: "text/html" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById(answer.id);
    if (!fresh) throw new Error("no answer in the page");
    answer.replaceChildren(...Array.from(fresh.childNodes, (node) => document.importNode(node, true)));
    history.replaceState(null, "", `${address.pathname}${address.search}#${form.closest("[id]")?.id ?? ""}`);
  } catch {
    form.submit(); // the plain GET, which answers on the page itself
  } finally {
    answer.removeAttribute("aria-busy");
  }
});
