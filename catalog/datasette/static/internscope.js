// Loaded on every Datasette page `internscope serve` shows (metadata extra_js_urls).
// Datasette 0.65 lists every column description above a table (45 for programs), which
// pushes the facets and rows below the fold: the list is folded into a <details>. Each
// column header also gets its description (with units) as a hover tooltip.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector("dl.column-descriptions");
  if (list) {
    const details = document.createElement("details");
    details.className = "column-descriptions";
    const summary = document.createElement("summary");
    summary.textContent = `Column descriptions and units (${list.querySelectorAll("dt").length})`;
    list.replaceWith(details);
    details.append(summary, list);
  }
  for (const th of document.querySelectorAll("th[data-column-description]")) {
    th.title = th.dataset.columnDescription;
  }
});
