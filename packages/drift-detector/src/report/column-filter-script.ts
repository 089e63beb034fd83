/**
 * Progressive enhancement for wide reports: reveals the filter box (hidden without scripts), filters
 * table rows and chart cards by name or verdict, and opens every collapsed section before printing.
 */
export const COLUMN_FILTER_SCRIPT = `(() => {
  const controls = document.getElementById("filter");
  const text = document.getElementById("filter-text");
  const driftedOnly = document.getElementById("filter-drifted");
  const count = document.getElementById("filter-count");
  const items = Array.from(document.querySelectorAll("[data-name]"));
  const rows = items.filter((item) => item.tagName === "TR");
  const openAll = () => document.querySelectorAll("details").forEach((section) => { section.open = true; });
  const apply = () => {
    const wanted = text.value.trim().toLowerCase();
    for (const item of items) {
      item.hidden = !(item.dataset.name.includes(wanted) && (!driftedOnly.checked || item.dataset.drifted === "true"));
    }
    const shown = rows.filter((row) => !row.hidden).length;
    count.textContent = shown === rows.length ? "" : shown + " of " + rows.length + " columns shown";
    if (wanted || driftedOnly.checked) openAll();
  };
  controls.hidden = false;
  text.addEventListener("input", apply);
  driftedOnly.addEventListener("change", apply);
  window.addEventListener("beforeprint", openAll);
})();`;
