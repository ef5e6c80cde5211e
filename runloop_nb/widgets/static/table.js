// The runloop_nb table: one page of rows, optional checkboxes, a clickable active row.
// Plain ESM, no build step and no network: it renders in JupyterLab 4 and Voila from the wheel.
// Python owns paging and the selection across pages; this view only draws the page it is given
// and reports clicks by setting `selected` / `active` on the model.
function cell(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text == null ? "" : String(text);
  return node;
}

function toggle(model, id, on) {
  const now = new Set(model.get("selected"));
  if (on) now.add(id); else now.delete(id);
  model.set("selected", [...now]);
  model.save_changes();
}

function draw(model, el) {
  const rows = model.get("rows");
  const selectable = model.get("selectable");
  const selected = new Set(model.get("selected"));
  const active = model.get("active");
  el.replaceChildren();
  if (!rows.length) {
    const empty = cell("div", model.get("empty"));
    empty.className = "rnb-empty";
    el.append(empty);
    return;
  }
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  if (selectable) head.append(cell("th", ""));
  for (const name of model.get("columns")) head.append(cell("th", name));
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.dataset.id = row.id;
    if (row.id === active) tr.classList.add("rnb-active");
    if (selectable) {
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = selected.has(row.id);
      box.addEventListener("click", (event) => {
        event.stopPropagation();
        toggle(model, row.id, box.checked);
      });
      const td = tr.insertCell();
      td.append(box);
    }
    for (const value of row.cells) tr.append(cell("td", value));
    tr.addEventListener("click", () => {
      model.set("active", row.id);
      model.save_changes();
    });
  }
  el.append(table);
}

function render({ model, el }) {
  el.classList.add("rnb-table");
  const redraw = () => draw(model, el);
  redraw();
  for (const name of ["rows", "columns", "selected", "active", "empty", "selectable"]) {
    model.on(`change:${name}`, redraw);
  }
}

export default { render };
