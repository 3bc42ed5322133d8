// The mini map of a territory page: the base style, the territory's QPV outlined, the view
// fitted to it. The page gives the QPV code in data-qpv.
import { Map, NavigationControl } from '/assets/vendor/maplibre-gl/maplibre-gl.mjs';
import { baseStyle, locale } from '/assets/static/style.js';

const el = document.getElementById('mini-carte');
const code = el.dataset.qpv;
const res = await fetch(`/api/v1/qpv/${encodeURIComponent(code)}`);
if (res.ok) {
  const feature = await res.json();
  let [minX, minY, maxX, maxY] = [180, 90, -180, -90];
  for (const polygon of feature.geometry.coordinates) {
    for (const [x, y] of polygon[0]) {
      minX = Math.min(minX, x); minY = Math.min(minY, y);
      maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
    }
  }
  const map = new Map({
    container: el,
    style: baseStyle(window.location.origin),
    locale,
    bounds: [[minX, minY], [maxX, maxY]],
    fitBoundsOptions: { padding: 40 },
    attributionControl: { compact: true, customAttribution: 'IGN · ANCT' },
  });
  map.addControl(new NavigationControl({ showCompass: false }));
  map.on('load', () => {
    map.addSource('territoire', { type: 'geojson', data: feature });
    map.addLayer({ id: 'territoire-contour', type: 'line', source: 'territoire', paint: { 'line-color': '#000091', 'line-width': 3 } });
  });
  window.essorMap = map;
}
