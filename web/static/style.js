// The offline base style shared by the map pages: essor's own vector tiles, no text layers
// (so no glyph server), DSFR greys and the QPV in red.
export function baseStyle(origin) {
  const tiles = (layer) => [`${origin}/tiles/${layer}/{z}/{x}/{y}.mvt`];
  return {
    version: 8,
    sources: {
      regions: { type: 'vector', tiles: tiles('regions'), minzoom: 0, maxzoom: 12 },
      departements: { type: 'vector', tiles: tiles('departements'), minzoom: 0, maxzoom: 12 },
      communes: { type: 'vector', tiles: tiles('communes'), minzoom: 9, maxzoom: 14 },
      qpv: { type: 'vector', tiles: tiles('qpv'), minzoom: 0, maxzoom: 14, promoteId: 'code' },
    },
    layers: [
      { id: 'fond', type: 'background', paint: { 'background-color': '#dfe9f3' } },
      { id: 'regions-fill', type: 'fill', source: 'regions', 'source-layer': 'regions', paint: { 'fill-color': '#f9f8f6' } },
      { id: 'communes-line', type: 'line', source: 'communes', 'source-layer': 'communes', minzoom: 9, paint: { 'line-color': '#cecece', 'line-width': 0.6 } },
      { id: 'departements-line', type: 'line', source: 'departements', 'source-layer': 'departements', paint: { 'line-color': '#8d8d8d', 'line-width': 0.9 } },
      { id: 'regions-line', type: 'line', source: 'regions', 'source-layer': 'regions', paint: { 'line-color': '#3a3a3a', 'line-width': 1.4 } },
      { id: 'qpv-fill', type: 'fill', source: 'qpv', 'source-layer': 'qpv', paint: { 'fill-color': '#e1000f', 'fill-opacity': 0.4 } },
      { id: 'qpv-line', type: 'line', source: 'qpv', 'source-layer': 'qpv', paint: { 'line-color': '#a1000a', 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.6, 12, 1.6] } },
    ],
  };
}


// MapLibre's interface strings in French (buttons, canvas label, popups).
export const locale = {
  'AttributionControl.ToggleAttribution': 'Afficher ou masquer les sources',
  'Map.Title': 'Carte',
  'Marker.Title': 'Repère',
  'NavigationControl.ResetBearing': 'Réorienter vers le nord',
  'NavigationControl.ZoomIn': 'Zoomer',
  'NavigationControl.ZoomOut': 'Dézoomer',
  'Popup.Close': 'Fermer la fenêtre',
  'ScaleControl.Meters': 'm',
  'ScaleControl.Kilometers': 'km',
};
