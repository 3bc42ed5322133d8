// The map lived at « / » until the home page took that address (issue 12): an old link to a
// map view (`/#carte=z/lat/lon…`, its filters in the query) still opens that view on /carte.
if (window.location.hash.startsWith('#carte=')) {
  window.location.replace(`/carte${window.location.search}${window.location.hash}`);
}
