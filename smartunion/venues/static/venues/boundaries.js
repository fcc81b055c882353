/* 区划界线 under a Leaflet map, with no internet: the province and its prefectures at once, a
   prefecture's counties once zoomed in on it. The files come from our own static files
   (venues/boundaries.py); a map without tiles is never a blank canvas.

   SmartunionBoundaries.add(map, config, {toMap, countyZoom, fit}) → Promise of the province's
   bounds (null without boundaries). config: {province: url, counties: {prefecture name: url}}.
   toMap(lng, lat) → [lng, lat] moves WGS-84 onto the tiles (GCJ-02 for 高德 tiles). */
window.SmartunionBoundaries = (function () {
  "use strict";

  var PREFECTURE = { color: "#7b8794", weight: 1.6, fillColor: "#f3efe6", fillOpacity: 0.7 };
  var COUNTY = { color: "#9aa5b1", weight: 0.8, dashArray: "4 3", fill: false };

  // ECharts 4's compressed map geometry ("UTF8Encoding"): zigzag, delta-coded, ×1024.
  function decodeRing(text, offsets, scale) {
    var out = [], x = offsets[0], y = offsets[1];
    for (var i = 0; i < text.length; i += 2) {
      var dx = text.charCodeAt(i) - 64, dy = text.charCodeAt(i + 1) - 64;
      x += (dx >> 1) ^ (-(dx & 1));
      y += (dy >> 1) ^ (-(dy & 1));
      out.push([x / scale, y / scale]);
    }
    return out;
  }
  function decode(json) {
    if (!json.UTF8Encoding) { return json; }
    var scale = json.UTF8Scale || 1024;
    json.features.forEach(function (f) {
      var g = f.geometry, enc = g.encodeOffsets;
      g.coordinates = g.coordinates.map(function (part, i) {
        if (g.type === "Polygon") { return decodeRing(part, enc[i], scale); }
        return part.map(function (ring, j) { return decodeRing(ring, enc[i][j], scale); });
      });
    });
    json.UTF8Encoding = false;
    return json;
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(url + " " + r.status); }
      return r.json();
    });
  }

  function add(map, config, options) {
    options = options || {};
    if (!config || !config.province || !window.L) { return Promise.resolve(null); }
    var toMap = options.toMap || function (lng, lat) { return [lng, lat]; };
    var countyZoom = options.countyZoom || 8;
    if (!map.getPane("boundaries")) {
      // Under the markers (overlayPane is 400), never catching a click or a tap.
      var pane = map.createPane("boundaries");
      pane.style.zIndex = 350;
      pane.style.pointerEvents = "none";
    }
    function coordsToLatLng(c) {
      var p = toMap(c[0], c[1]);
      return L.latLng(p[1], p[0]);
    }
    function layer(json, style) {
      return L.geoJSON(json, {
        pane: "boundaries", interactive: false, style: style, coordsToLatLng: coordsToLatLng
      });
    }
    var areas = [], loaded = {};
    function showCounties() {
      if (map.getZoom() < countyZoom) { return; }
      var view = map.getBounds();
      areas.forEach(function (a) {
        var url = (config.counties || {})[a.name];
        if (!url || loaded[a.name] || !view.intersects(a.bounds)) { return; }
        loaded[a.name] = true;
        getJson(url).then(function (json) { layer(json, COUNTY).addTo(map); })
          .catch(function () { loaded[a.name] = false; });
      });
    }
    return getJson(config.province).then(function (json) {
      var province = layer(decode(json), PREFECTURE).addTo(map);
      province.eachLayer(function (l) {
        areas.push({ name: l.feature.properties.name, bounds: l.getBounds() });
      });
      map.getContainer().classList.add("has-boundaries");
      map.on("moveend", showCounties);
      showCounties();
      return province.getBounds();
    }).catch(function () { return null; });
  }

  // WGS-84 → GCJ-02 for drawing on 高德 tiles (the published algorithm, as in coords.py).
  function wgsToGcj(lng, lat) {
    if (lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271) { return [lng, lat]; }
    var a = 6378245.0, ee = 0.00669342162296594323, PI = Math.PI;
    var x = lng - 105.0, y = lat - 35.0;
    var c = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + c +
      (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0 +
      (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y / 30.0 * PI)) * 2.0 / 3.0;
    var dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + c +
      (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0 +
      (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var rad = lat / 180.0 * PI, magic = 1 - ee * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sq) * PI);
    dLng = (dLng * 180.0) / (a / sq * Math.cos(rad) * PI);
    return [lng + dLng, lat + dLat];
  }

  return { add: add, decode: decode, wgsToGcj: wgsToGcj };
})();
