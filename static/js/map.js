// Maps for the reader pages: reads marker data from a json_script element (no inline script),
// draws markers with the vendored Leaflet. Tiles come from the MAP_TILE_URL setting; with no
// tile URL (or when tiles fail to load) the markers still show on a plain background.
(function () {
  "use strict";

  function initMap(el) {
    var dataEl = document.getElementById(el.dataset.points);
    if (!dataEl || typeof L === "undefined") {
      return;
    }
    var points = JSON.parse(dataEl.textContent);
    if (!points.length) {
      return;
    }
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: true });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, {
        maxZoom: 18,
        attribution: el.dataset.attribution || "",
      }).addTo(map);
    } else {
      el.classList.add("map-no-tiles");
    }
    var icon = L.icon({
      iconUrl: el.dataset.iconUrl,
      iconRetinaUrl: el.dataset.iconRetinaUrl,
      shadowUrl: el.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41],
    });
    var latlngs = [];
    points.forEach(function (p) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.label;
      var marker = L.marker([p.lat, p.lon], { icon: icon, title: p.label, alt: p.label });
      marker.bindPopup(link);
      // Leaflet reads a string given to bindTooltip/bindPopup as HTML: every label goes in
      // as a text node inside an element, so a place's name can never become markup.
      var tip = document.createElement("span");
      tip.textContent = p.label;
      marker.bindTooltip(tip, { permanent: points.length === 1, direction: "right" });
      marker.addTo(map);
      latlngs.push([p.lat, p.lon]);
    });
    if (latlngs.length === 1) {
      map.setView(latlngs[0], 11);
    } else {
      map.fitBounds(latlngs, { padding: [30, 30], maxZoom: 12 });
    }
    el.dataset.ready = "true";
  }

  function start() {
    document.querySelectorAll(".map[data-points]").forEach(initMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
