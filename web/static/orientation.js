// essor — the orientation pages, better with JavaScript (they work without it):
// - /orientation: results and follow-up questions update as the answers change, without
//   reloading; the address keeps the answers, so the result can still be shared;
// - "Imprimer / enregistrer en PDF" and "Copier le lien" buttons;
// - "Aucun …" boxes exclude the other boxes of their question.
// The server renders everything; this script fetches the same page and moves its parts in.

function enhance(root) {
  for (const b of root.querySelectorAll('[data-imprimer]')) {
    b.hidden = false;
    b.addEventListener('click', () => window.print());
  }
  for (const b of root.querySelectorAll('[data-copier]')) {
    b.hidden = false;
    b.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(b.dataset.copier);
        b.textContent = 'Lien copié';
      } catch {
        b.textContent = 'Copie impossible : sélectionnez le lien';
      }
    });
  }
}

enhance(document);

const form = document.getElementById('formulaire-orientation');

document.addEventListener('change', (e) => {
  const t = e.target;
  if (!form || t.type !== 'checkbox' || !form.contains(t)) return;
  const boxes = form.querySelectorAll(`input[type=checkbox][name="${t.name}"]`);
  for (const c of boxes) {
    if (c === t || !t.checked) continue;
    if (t.value === 'aucun' || c.value === 'aucun') c.checked = false;
  }
});

if (form) {
  const announce = document.createElement('p');
  announce.className = 'fr-sr-only';
  announce.setAttribute('role', 'status');
  announce.id = 'annonce-resultats';
  form.after(announce);

  const query = () => {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) {
      if (String(v).trim() !== '') p.append(k, v);
    }
    const q = p.toString();
    return q ? `/orientation?${q}` : '/orientation';
  };

  let controller;
  const update = async (focusResults) => {
    const url = query();
    controller?.abort();
    controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal, headers: { Accept: 'text/html' } });
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const results = doc.getElementById('resultats');
    if (!results) throw new Error('no results in the answer');
    document.getElementById('resultats').replaceWith(results);
    document.getElementById('erreurs')?.remove();
    const errors = doc.getElementById('erreurs');
    if (errors) form.closest('.fr-grid-row').before(errors);
    let revealed = 0;
    for (const el of form.querySelectorAll('[data-question]')) {
      const fresh = doc.querySelector(`[data-question="${el.dataset.question}"]`);
      if (!fresh) continue;
      if (el.hidden && !fresh.hidden) revealed += 1;
      el.hidden = fresh.hidden;
      el.className = fresh.className;
      el.querySelector('[data-settles]')?.remove();
      const badge = fresh.querySelector('[data-settles]');
      if (badge) el.querySelector('legend, label').append(badge);
      for (const m of el.querySelectorAll('.fr-messages-group')) {
        const f = fresh.querySelector(`#${CSS.escape(m.id)}`);
        if (f) m.innerHTML = f.innerHTML;
      }
    }
    for (const s of form.querySelectorAll('section[id]')) {
      const f = doc.getElementById(s.id);
      if (!f) continue;
      s.hidden = f.hidden;
      const intro = s.querySelector('[data-intro]');
      if (intro) intro.hidden = f.querySelector('[data-intro]')?.hidden ?? true;
    }
    if (!doc.getElementById('suite-questions')) document.getElementById('suite-questions')?.remove();
    form.dataset.asked = doc.getElementById('formulaire-orientation')?.dataset.asked ?? '';
    history.replaceState(null, '', url);
    enhance(results);
    const count = doc.getElementById('resultats-compte');
    const asked = revealed ? ` ${revealed} nouvelle(s) question(s) dans le formulaire.` : '';
    announce.textContent = count ? `Résultats mis à jour : ${count.textContent}${asked}` : asked;
    document.body.dataset.orientation = 'a-jour';
    if (errors) errors.focus();
    else if (focusResults) results.focus();
  };

  let timer;
  form.addEventListener('change', () => {
    clearTimeout(timer);
    document.body.dataset.orientation = 'calcul';
    timer = setTimeout(() => update(false).catch(() => {}), 250);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    document.body.dataset.orientation = 'calcul';
    update(true).catch(() => form.submit());
  });
}

document.getElementById('erreurs')?.focus();
