// The mini maps of the territory and actor pages, over the base style: the territory
// outlined in blue (its communes, its département or its région from the outline tiles; a
// QPV from the QPV tiles), its QPV drawn stronger, its ESS actors (server-clustered tiles
// filtered on the territory) or, on an actor page, the actor's point. Everything comes from
// the data-* attributes of #mini-carte; the page says the same things in text and tables.
import { Map, NavigationControl, ScaleControl, Popup } from '/assets/vendor/maplibre-gl/maplibre-gl.mjs';
import { baseStyle, locale } from '/assets/static/style.js';

const el = document.getElementById('mini-carte');
const data = el.dataset;
const parse = (text, fallback) => {
  try { return JSON.parse(text); } catch (err) { return fallback; }
};
const qpv = parse(data.qpv || '[]', []);
const outlineCodes = parse(data.outlineCodes || '[]', []);
const point = data.point ? parse(data.point, null) : null;
const bbox = data.bbox ? parse(data.bbox, null) : null;
const origin = window.location.origin;

const options = {
  container: el,
  style: baseStyle(origin),
  locale,
  minZoom: 3,
  maxZoom: 18,
  attributionControl: { compact: true, customAttribution: 'Contours : IGN Admin Express 2018 · QPV : ANCT' },
  canvasContextAttributes: { preserveDrawingBuffer: true },
};
if (bbox) {
  options.bounds = [[bbox[0], bbox[1]], [bbox[2], bbox[3]]];
  options.fitBoundsOptions = { padding: 24, maxZoom: 16 };
} else if (point) {
  options.center = point;
  options.zoom = 15;
}
const map = new Map(options);
map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
window.essorMap = map;

const inCodes = (codes) => ['in', ['get', 'code'], ['literal', codes]];

map.on('load', () => {
  // The territory's outline.
  const layer = data.outlineLayer;
  if (layer && outlineCodes.length) {
    let source = layer;
    if (layer === 'communes') {
      // The base style shows communes from zoom 9; an EPCI is often seen from further.
      map.addSource('communes-territoire', { type: 'vector', tiles: [`${origin}/tiles/communes/{z}/{x}/{y}.mvt`], minzoom: 7, maxzoom: 14 });
      source = 'communes-territoire';
    }
    map.addLayer({ id: 'territoire-fond', type: 'fill', source, 'source-layer': layer, filter: inCodes(outlineCodes), paint: { 'fill-color': '#000091', 'fill-opacity': 0.06 } }, 'qpv-fill');
    map.addLayer({ id: 'territoire-contour', type: 'line', source, 'source-layer': layer, filter: inCodes(outlineCodes), paint: { 'line-color': '#000091', 'line-width': layer === 'qpv' ? 3 : 1.6 } });
  }
  // Its QPV, stronger than the others.
  if (qpv.length && layer !== 'qpv') {
    map.addLayer({ id: 'territoire-qpv', type: 'line', source: 'qpv', 'source-layer': 'qpv', filter: inCodes(qpv), paint: { 'line-color': '#a1000a', 'line-width': 2.4 } });
  }
  // Its actors.
  if (data.filter) {
    const q = new URLSearchParams({ territory: data.filter });
    map.addSource('acteurs', { type: 'vector', tiles: [`${origin}/tiles/actors/{z}/{x}/{y}.mvt?${q}`], maxzoom: 16 });
    map.addLayer({
      id: 'acteurs-amas', type: 'circle', source: 'acteurs', 'source-layer': 'actors',
      filter: ['>', ['get', 'count'], 1],
      paint: {
        'circle-color': '#000091', 'circle-opacity': 0.85,
        'circle-radius': ['interpolate', ['linear'], ['ln', ['get', 'count']], 0, 7, 7, 22],
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5,
      },
    });
    map.addLayer({
      id: 'acteurs-point', type: 'circle', source: 'acteurs', 'source-layer': 'actors',
      filter: ['==', ['get', 'count'], 1],
      paint: { 'circle-color': '#18753c', 'circle-radius': 6, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
    });
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
    for (const id of ['acteurs-amas', 'acteurs-point']) {
      map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
    }
  }
  // The actor of an actor page.
  if (point) {
    map.addSource('acteur', { type: 'geojson', data: { type: 'Feature', geometry: { type: 'Point', coordinates: point }, properties: {} } });
    map.addLayer({ id: 'acteur-point', type: 'circle', source: 'acteur', paint: { 'circle-color': '#18753c', 'circle-radius': 9, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2.5 } });
  }
});
map.on('idle', () => { document.body.dataset.carte = 'prete'; });
map.on('error', (e) => { console.error('carte :', e.error && e.error.message); });
