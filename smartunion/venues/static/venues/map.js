/* Staff map of venues: Leaflet with circle markers (no marker images, no CDN), over the
   province's city and county boundaries (boundaries.js), so it is a map even without tiles. */
(function () {
  "use strict";
  var el = document.getElementById("venue-map");
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var COLORS = {
    station: "#c8161d", service_center: "#1f5fbf", aid_center: "#b26a00",
    cultural_palace: "#7b3fb5", culture_park: "#1a7f37", sanatorium: "#0f8a8a",
    bookhouse: "#8a5a2b", studio: "#d4418e"
  };
  var map = L.map(el, { preferCanvas: true, zoomControl: true, attributionControl: !!data.tiles.url });
  if (data.tiles.url) {
    L.tileLayer(data.tiles.url, {
      subdomains: data.tiles.subdomains || "abc", maxZoom: 18, attribution: data.tiles.attribution || ""
    }).addTo(map);
  }
  var toMap = data.tiles.crs === "gcj02" ? window.SmartunionBoundaries.wgsToGcj : null;
  var outline = window.SmartunionBoundaries.add(map, data.boundaries, { toMap: toMap });
  // County and city seats name the places.
  var cityLabels = L.layerGroup().addTo(map);
  var countyLabels = L.layerGroup();
  (data.seats || []).forEach(function (s) {
    var marker = L.circleMarker([s[2], s[1]], {
      radius: s[3] === 2 ? 4 : 2, color: "#8a96a3", weight: 1, fillColor: "#8a96a3", fillOpacity: 1,
      interactive: false
    });
    marker.bindTooltip(s[0], { permanent: true, direction: "right", className: "seat-label", offset: [4, 0] });
    marker.addTo(s[3] === 2 ? cityLabels : countyLabels);
  });
  function toggleLabels() {
    if (map.getZoom() >= 8) { countyLabels.addTo(map); } else { countyLabels.remove(); }
  }
  map.on("zoomend", toggleLabels);
  var legend = document.getElementById("map-legend");
  var counts = {};
  data.points.forEach(function (p) { counts[p[2]] = (counts[p[2]] || 0) + 1; });
  Object.keys(data.kinds).forEach(function (k) {
    var li = document.createElement("li");
    var dot = document.createElement("span");
    dot.className = "dot";
    dot.style.background = COLORS[k] || "#666";
    li.appendChild(dot);
    li.appendChild(document.createTextNode(data.kinds[k] + "（" + (counts[k] || 0) + "）"));
    legend.appendChild(li);
  });
  var bounds = [];
  data.points.forEach(function (p) {
    var color = COLORS[p[2]] || "#666";
    var m = L.circleMarker([p[4], p[3]], {
      radius: 6, color: "#fff", weight: 1, fillColor: color, fillOpacity: p[5] ? 0.9 : 0.15
    });
    if (!p[5]) { m.setStyle({ color: color, weight: 2 }); }
    var a = document.createElement("a");
    a.href = data.detail.replace("/0/", "/" + p[0] + "/");
    a.textContent = p[1];
    var box = document.createElement("div");
    box.appendChild(a);
    var info = document.createElement("div");
    info.textContent = data.kinds[p[2]] + (p[5] ? "" : "（已关闭）") + " · 六有" + (p[6] ? "齐全" : "未齐") +
      " · " + (p[7] ? "已双上图" : "未双上图");
    box.appendChild(info);
    m.bindPopup(box);
    m.addTo(map);
    bounds.push([p[4], p[3]]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
  } else {
    // No venue to show: the province itself.
    map.setView([36.06, 103.83], 6);
    outline.then(function (province) { if (province) { map.fitBounds(province); } });
  }
  toggleLabels();
})();
