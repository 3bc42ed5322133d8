// The map page: MapLibre GL JS over essor's own vector tiles (no external tile or glyph
// server: the style has no text layers). The view lives in the URL hash (#carte=z/lat/lon)
// and the filters in the query string, so a view can be shared by copying the address.
import { Map, NavigationControl, ScaleControl, Popup, Marker } from '/assets/vendor/maplibre-gl/maplibre-gl.mjs';
import { baseStyle, locale } from '/assets/static/style.js';

const style = baseStyle(window.location.origin);

const map = new Map({
  container: 'carte',
  style,
  center: [2.6, 46.6],
  zoom: 5,
  minZoom: 3,
  maxZoom: 18,
  hash: 'carte',
  locale,
  attributionControl: { compact: false, customAttribution: 'Contours : IGN Admin Express 2018 · QPV : ANCT' },
  canvasContextAttributes: { preserveDrawingBuffer: true },
});
map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
window.essorMap = map;

// A click on a QPV opens a popup linking to its territory page. The popup is built with
// text nodes, never HTML from the tiles.
map.on('click', 'qpv-fill', (e) => {
  const f = e.features && e.features[0];
  if (!f) return;
  const box = document.createElement('div');
  const title = document.createElement('p');
  title.className = 'fr-text--bold fr-mb-1v';
  title.textContent = f.properties.name;
  const code = document.createElement('p');
  code.className = 'fr-text--sm fr-mb-1v';
  code.textContent = `Quartier prioritaire ${f.properties.code}`;
  const link = document.createElement('a');
  link.className = 'fr-link';
  link.href = `/territoires/qpv/${encodeURIComponent(f.properties.code)}`;
  link.textContent = 'Voir le diagnostic du quartier';
  box.append(title, code, link);
  new Popup({ maxWidth: '280px' }).setLngLat(e.lngLat).setDOMContent(box).addTo(map);
});
map.on('mouseenter', 'qpv-fill', () => { map.getCanvas().style.cursor = 'pointer'; });
map.on('mouseleave', 'qpv-fill', () => { map.getCanvas().style.cursor = ''; });

// The QPV drawn on screen, as a list of links: the keyboard and screen-reader way to reach
// what the map shows.
const list = document.getElementById('qpv-visibles');
const listStatus = document.getElementById('qpv-visibles-statut');
function refreshVisible() {
  const seen = new globalThis.Map();
  for (const f of map.queryRenderedFeatures({ layers: ['qpv-fill'] })) {
    seen.set(f.properties.code, f.properties.name);
  }
  const items = [...seen.entries()].sort((a, b) => a[1].localeCompare(b[1], 'fr'));
  list.replaceChildren(...items.slice(0, 25).map(([code, name]) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `/territoires/qpv/${encodeURIComponent(code)}`;
    a.textContent = `${name} (${code})`;
    a.dataset.qpv = code;
    li.append(a);
    return li;
  }));
  listStatus.textContent = items.length === 0
    ? 'Aucun QPV visible : rapprochez-vous d\u2019une ville.'
    : `${items.length} QPV visible${items.length > 1 ? 's' : ''} à l\u2019écran${items.length > 25 ? ' (25 premiers)' : ''}.`;
}

// Filters: their state is the query string. The count asks the API with the current view.
const form = document.getElementById('filtres');
const count = document.getElementById('compte-acteurs');
const fields = ['famille', 'secteur', 'tranche', 'territoire', 'employeur'];
const apiName = { famille: 'family', secteur: 'sector', tranche: 'band', territoire: 'territory', employeur: 'employer' };
const url = new URL(window.location.href);
for (const name of fields) {
  const value = url.searchParams.get(name);
  if (value !== null && form.elements[name]) form.elements[name].value = value;
}
function filtersToUrl() {
  const next = new URL(window.location.href);
  for (const name of fields) {
    const value = form.elements[name] ? form.elements[name].value.trim() : '';
    if (value) next.searchParams.set(name, value); else next.searchParams.delete(name);
  }
  window.history.replaceState(null, '', next);
}
async function refreshCount() {
  const b = map.getBounds();
  const q = new URLSearchParams({ per_page: '1', bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(',') });
  for (const name of fields) {
    const value = form.elements[name] ? form.elements[name].value.trim() : '';
    if (value) q.set(apiName[name], value);
  }
  try {
    const res = await fetch(`/api/v1/actors?${q}`);
    const body = await res.json();
    if (!res.ok) {
      count.textContent = body.errors ? body.errors[0].detail : 'Filtre invalide.';
      return;
    }
    const n = body.total.toLocaleString('fr-FR');
    count.textContent = body.data.loaded
      ? `${n} acteur${body.total > 1 ? 's' : ''} de l\u2019ESS dans la vue.`
      : 'Aucune donnée d\u2019acteurs chargée : seuls les contours et les QPV sont affichés.';
  } catch (err) {
    count.textContent = 'Compte indisponible.';
  }
}

// The actors layer: points clustered on the server, filtered like the count.
function actorTiles() {
  const q = new URLSearchParams();
  for (const name of fields) {
    const value = form.elements[name] ? form.elements[name].value.trim() : '';
    if (value) q.set(apiName[name], value);
  }
  const qs = q.toString();
  return [`${window.location.origin}/tiles/actors/{z}/{x}/{y}.mvt${qs ? `?${qs}` : ''}`];
}
map.on('load', () => {
  map.addSource('acteurs', { type: 'vector', tiles: actorTiles(), maxzoom: 16 });
  // Groups are drawn under the QPV, so that a group never hides a quarter.
  map.addLayer({
    id: 'acteurs-amas', type: 'circle', source: 'acteurs', 'source-layer': 'actors',
    filter: ['>', ['get', 'count'], 1],
    paint: {
      'circle-color': '#000091',
      'circle-opacity': 0.8,
      'circle-radius': ['interpolate', ['linear'], ['ln', ['get', 'count']], 0, 7, 7, 22],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 1.5,
    },
  }, 'qpv-fill');
  map.addLayer({
    id: 'acteurs-point', type: 'circle', source: 'acteurs', 'source-layer': 'actors',
    filter: ['==', ['get', 'count'], 1],
    paint: { 'circle-color': '#18753c', 'circle-radius': 6, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
  });
});
// The number of actors of each group, written on it. The style has no text layer (essor
// serves no glyphs), so the numbers are small HTML labels placed on the groups drawn, rebuilt
// when the map rests; they are hidden from screen readers, which get the count above the map.
const groupLabels = new globalThis.Map();
function groupCount(n) {
  return n >= 10000 ? `${Math.round(n / 1000)}\u202fk` : n.toLocaleString('fr-FR');
}
function refreshGroupLabels() {
  const seen = new Set();
  if (map.getLayer('acteurs-amas')) {
    for (const f of map.queryRenderedFeatures({ layers: ['acteurs-amas'] })) {
      const [lon, lat] = f.geometry.coordinates;
      const n = Number(f.properties.count);
      const key = `${lon.toFixed(5)},${lat.toFixed(5)},${n}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (groupLabels.has(key)) continue;
      const el = document.createElement('span');
      el.className = 'essor-amas-compte';
      el.setAttribute('aria-hidden', 'true');
      el.dataset.count = String(n);
      el.textContent = groupCount(n);
      groupLabels.set(key, new Marker({ element: el }).setLngLat([lon, lat]).addTo(map));
    }
  }
  for (const [key, marker] of groupLabels) {
    if (!seen.has(key)) { marker.remove(); groupLabels.delete(key); }
  }
}
map.on('zoomstart', () => {
  for (const marker of groupLabels.values()) marker.remove();
  groupLabels.clear();
});

// Place names (issue 12): régions, then départements, then communes by population as one
// zooms in, and QPV names up close, written as HTML labels (the style has no text layer)
// from /api/v1/map/labels and the QPV tiles. Larger places first; a name that would overlap
// one already written is left out. Hidden from screen readers: the page lists the QPV shown.
let places = [];
fetch('/api/v1/map/labels').then((r) => r.json()).then((body) => {
  places = body.labels;
  refreshLabels();
}).catch(() => {});
const labels = new globalThis.Map();
function minPopulation(z) {
  if (z < 6) return Infinity;
  if (z < 7) return 150000;
  if (z < 8) return 50000;
  if (z < 9) return 20000;
  return 5000;
}
function refreshLabels() {
  const z = map.getZoom();
  const bounds = map.getBounds();
  const candidates = [];
  for (const p of places) {
    const show = p.level === 'region' ? z < 6.5
      : p.level === 'departement' ? z >= 6 && z < 9
        : p.population >= minPopulation(z);
    if (show && bounds.contains([p.lon, p.lat])) {
      const rank = p.level === 'region' ? 0 : p.level === 'departement' ? 1 : 2;
      candidates.push({ key: `${p.level}:${p.code}`, name: p.name, level: p.level, at: [p.lon, p.lat], rank, population: p.population });
    }
  }
  if (z >= 13 && map.getLayer('qpv-fill')) {
    const seen = new Set();
    for (const f of map.queryRenderedFeatures({ layers: ['qpv-fill'] })) {
      if (seen.has(f.properties.code)) continue;
      seen.add(f.properties.code);
      const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
      const xs = ring.map((c) => c[0]);
      const ys = ring.map((c) => c[1]);
      const at = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
      candidates.push({ key: `qpv:${f.properties.code}`, name: f.properties.name, level: 'qpv', at, rank: -1, population: 0 });
    }
  }
  candidates.sort((a, b) => a.rank - b.rank || b.population - a.population);
  const taken = [];
  const keep = new Set();
  for (const c of candidates) {
    if (keep.size >= 80) break;
    const p = map.project(c.at);
    const w = c.name.length * 7 + 8;
    const box = [p.x - w / 2, p.y - 9, p.x + w / 2, p.y + 9];
    if (taken.some((t) => box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1])) continue;
    taken.push(box);
    keep.add(c.key);
    if (!labels.has(c.key)) {
      const el = document.createElement('span');
      el.className = `essor-etiquette essor-etiquette--${c.level}`;
      el.setAttribute('aria-hidden', 'true');
      el.dataset.lieu = c.key;
      el.textContent = c.name;
      labels.set(c.key, new Marker({ element: el }).setLngLat(c.at).addTo(map));
    }
  }
  for (const [key, marker] of labels) {
    if (!keep.has(key)) { marker.remove(); labels.delete(key); }
  }
}

map.on('click', 'acteurs-amas', (e) => {
  map.easeTo({ center: e.lngLat, zoom: Math.min(map.getZoom() + 2, 18) });
});
map.on('click', 'acteurs-point', (e) => {
  const f = e.features && e.features[0];
  if (!f) return;
  const box = document.createElement('div');
  const title = document.createElement('p');
  title.className = 'fr-text--bold fr-mb-1v';
  title.textContent = f.properties.name;
  const link = document.createElement('a');
  link.className = 'fr-link';
  link.href = `/acteurs/${encodeURIComponent(f.properties.siret)}`;
  link.textContent = 'Voir la fiche de l\u2019acteur';
  box.append(title, link);
  new Popup({ maxWidth: '280px' }).setLngLat(e.lngLat).setDOMContent(box).addTo(map);
});
for (const layer of ['acteurs-amas', 'acteurs-point']) {
  map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
}
// A territory filter frames the map on its territory (issue 12): at once when it is chosen
// among the suggestions, after a look-up when it is typed and applied, and on arrival when
// the address has a territory but no view.
let framed = '';
function frame(bbox) {
  if (!bbox) return;
  map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: 40, maxZoom: 15, duration: 0 });
}
async function frameTerritory() {
  const value = form.elements.territoire ? form.elements.territoire.value.trim() : '';
  if (!value || value === framed) return;
  framed = value;
  try {
    const res = await fetch(`/api/v1/territories/search?${new URLSearchParams({ q: value, limit: '1' })}`);
    if (!res.ok) return;
    const answer = await res.json();
    const first = answer.items[0];
    if (first && ['code', 'region_code', 'postcode', 'name'].includes(first.matched)) frame(first.bbox);
  } catch (err) {
    // The count says what is wrong with the filter; the view stays.
  }
}
form.addEventListener('territoire-choisi', (e) => {
  framed = e.detail.value;
  frame(e.detail.bbox);
});
function applyFilters() {
  filtersToUrl();
  refreshCount();
  frameTerritory();
  const source = map.getSource('acteurs');
  if (source) source.setTiles(actorTiles());
}
form.addEventListener('change', applyFilters);
form.addEventListener('submit', (e) => { e.preventDefault(); applyFilters(); });

map.on('moveend', refreshCount);
map.on('load', refreshCount);
if (!window.location.hash.includes('carte=')) map.on('load', frameTerritory);
else if (form.elements.territoire) framed = form.elements.territoire.value.trim();
map.on('idle', () => {
  refreshVisible();
  refreshGroupLabels();
  refreshLabels();
  document.body.dataset.carte = 'prete';
});
map.on('error', (e) => { console.error('carte :', e.error && e.error.message); });
