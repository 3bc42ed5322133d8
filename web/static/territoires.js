// Suggestions as one types in every territory field (issue 12). Each input marked
// `data-territoires` becomes a combobox (WAI-ARIA 1.2 pattern) over
// /api/v1/territories/search; without this script the same fields are plain GET forms that
// the server answers (/territoires, /annuaire, the map's count).
//
// - `data-territoires="page"`: choosing a suggestion opens the territory's page.
// - `data-territoires="champ"`: choosing writes the territory into the field as
//   « Nom (code) », which the server reads back without ambiguity, and fires `change` and a
//   `territoire-choisi` event carrying the suggestion (its `bbox` frames the map).
//
// Suggestions are built with text nodes, never HTML from the answer.

const DELAY_MS = 120;
let counter = 0;

function enhance(input) {
  const mode = input.dataset.territoires;
  const id = `suggestions-${input.id || ++counter}`;
  const list = document.createElement('ul');
  list.id = id;
  list.className = 'essor-suggestions';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Territoires suggérés');
  list.hidden = true;
  const status = document.createElement('p');
  status.className = 'fr-sr-only';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  input.parentElement.classList.add('essor-suggestions-zone');
  input.after(list, status);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', id);

  let items = [];
  let active = -1;
  let timer = null;
  let controller = null;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function choose(item) {
    close();
    if (mode === 'page') {
      window.location.assign(item.href);
      return;
    }
    input.value = item.value;
    input.dispatchEvent(new CustomEvent('territoire-choisi', { bubbles: true, detail: item }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function show(answer) {
    items = answer.items;
    list.replaceChildren(...items.map((item, i) => {
      const li = document.createElement('li');
      li.id = `${id}-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.dataset.code = item.code;
      li.dataset.level = item.level;
      const name = document.createElement('span');
      name.className = 'essor-suggestion__nom';
      name.textContent = item.name;
      const detail = document.createElement('span');
      detail.className = 'essor-suggestion__detail';
      detail.textContent = [item.level_label, item.code, item.context].filter(Boolean).join(' · ');
      li.append(name, detail);
      // mousedown, not click: the input would lose its focus (and close the list) first.
      li.addEventListener('mousedown', (e) => { e.preventDefault(); choose(item); });
      return li;
    }));
    active = -1;
    if (items.length === 0) {
      close();
      status.textContent = 'Aucun territoire ne correspond.';
      return;
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    status.textContent = `${items.length} territoire${items.length > 1 ? 's' : ''} suggéré${items.length > 1 ? 's' : ''} ; flèches pour parcourir, Entrée pour choisir.`;
  }

  async function suggest() {
    const q = input.value.trim();
    if (q.length < 2) { close(); return; }
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const res = await fetch(`/api/v1/territories/search?${new URLSearchParams({ q, limit: '8' })}`, { signal: controller.signal });
      if (!res.ok) { close(); return; }
      const answer = await res.json();
      if (input.value.trim() === q) show(answer);
    } catch (err) {
      if (err.name !== 'AbortError') close();
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, DELAY_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden) {
      if (e.key === 'ArrowDown' && items.length) { e.preventDefault(); list.hidden = false; input.setAttribute('aria-expanded', 'true'); highlight(0); }
      return;
    }
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % items.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(items[active]); }
    else if (e.key === 'Escape') { e.preventDefault(); close(); }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
}

for (const input of document.querySelectorAll('input[data-territoires]')) enhance(input);
