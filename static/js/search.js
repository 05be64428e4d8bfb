// Title suggestions for the search box: fills the <datalist> as the visitor types. The search
// works the same without this (plain GET form).
const form = document.querySelector("form[data-suggestions]");
const input = form?.querySelector("input[type=search]");
const list = document.getElementById("search-titles");
let timer = null;
let last = "";

input?.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    const prefix = input.value.trim();
    if (prefix.length < 2 || prefix === last) return;
    last = prefix;
    try {
      const response = await fetch(`${form.dataset.suggestions}?q=${encodeURIComponent(prefix)}`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const { suggestions } = await response.json();
      list.replaceChildren(
        ...suggestions.map(({ title }) => Object.assign(document.createElement("option"), { value: title })),
      );
    } catch {
      // Suggestions are a convenience; the form works without them.
    }
  }, 200);
});
