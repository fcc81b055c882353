/* 附近驿站 (phone page): locate (or a county, town or venue typed or chosen), ask
   /api/v1/venues/nearest with the kind and 现在开放 filters, show a list and a Leaflet map
   drawn over the province's boundaries (boundaries.js). */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("page-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var statusEl = $("status"), results = $("results"), mapEl = $("map");
  var map = null, layer = null, lastItems = [], lastOrigin = null, lastWhere = "";
  var kind = DATA.default_kind, openNow = false;

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.className = "status" + (isError ? " err" : "");
  }

  function distanceText(m) {
    return m < 1000 ? m + " 米" : (m / 1000).toFixed(m < 10000 ? 1 : 0) + " 公里";
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function card(item, index) {
    var li = el("li", "card");
    li.dataset.id = item.id;
    li.appendChild(el("h2", "", (index + 1) + ". " + item.name));
    var meta = el("div", "meta");
    meta.appendChild(el("span", "dist", distanceText(item.distance_m)));
    meta.appendChild(el("span", "tag " + (item.open_now ? "open" : "shut"), item.open_now ? "现在开放" : "现在未开放"));
    meta.appendChild(el("span", "tag", item.kind_name));
    meta.appendChild(el("span", "", item.hours));
    li.appendChild(meta);
    li.appendChild(el("p", "addr", item.region_name + " · " + item.address));
    if (item.facilities.length) {
      var fac = el("div", "fac");
      item.facilities.forEach(function (f) { fac.appendChild(el("span", "", f)); });
      li.appendChild(fac);
    }
    var acts = el("div", "acts");
    var a1 = el("a", "amap", "高德导航");
    a1.href = item.amap_url;
    a1.rel = "noopener";
    acts.appendChild(a1);
    var a2 = el("a", "baidu", "百度导航");
    a2.href = item.baidu_url;
    a2.rel = "noopener";
    acts.appendChild(a2);
    if (item.service_phone) {
      var a3 = el("a", "tel", "☎ " + item.service_phone);
      a3.href = "tel:" + item.service_phone;
      acts.appendChild(a3);
    }
    li.appendChild(acts);
    return li;
  }

  function kindName() {
    var k = DATA.kinds.filter(function (x) { return x.value === kind; })[0];
    return k && k.value ? k.label : "阵地";
  }

  // Results, the list and the map's markers together: a new search never leaves old ones.
  function clear() {
    lastItems = [];
    results.textContent = "";
    if (map) { drawMap(); }
  }

  function render(items, origin, where) {
    lastItems = items;
    lastOrigin = origin;
    results.textContent = "";
    if (!items.length) {
      setStatus(where + "附近没有找到" + (openNow ? "现在开放的" : "开放的") + kindName() + "。", true);
      if (map) { drawMap(); }
      return;
    }
    items.forEach(function (item, i) { results.appendChild(card(item, i)); });
    setStatus(where + "最近的 " + items.length + " 处" + (openNow ? "现在开放的" : "") + kindName() + "，按距离排列。");
    if (map) { drawMap(); }
  }

  function search(lng, lat, where) {
    lastOrigin = [lng, lat];
    lastWhere = where;
    setStatus("正在查找附近" + kindName() + "…");
    var url = DATA.api + "?lng=" + lng.toFixed(6) + "&lat=" + lat.toFixed(6) + "&crs=wgs84&limit=10" +
      (kind ? "&kind=" + encodeURIComponent(kind) : "") + (openNow ? "&open_now=true" : "");
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) {
          var msg = (res.body.detail || []).map(function (d) { return d.message; }).join("；");
          setStatus(msg || "查询失败，请稍后再试。", true);
          return;
        }
        render(res.body.items, [lng, lat], where);
      })
      .catch(function () { setStatus("网络不可用，请稍后再试。", true); });
  }

  function locate() {
    if (!navigator.geolocation) {
      setStatus("此浏览器不能定位，请选择县区或输入地名。", true);
      return;
    }
    setStatus("正在获取您的位置…");
    navigator.geolocation.getCurrentPosition(
      function (pos) { search(pos.coords.longitude, pos.coords.latitude, "离您"); },
      function () { setStatus("无法获取位置（可能未允许定位），请选择县区或输入地名。", true); },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }

  // Counties: a select grouped by city, and typed names matched against them.
  var counties = DATA.counties;
  var select = $("county"), groups = {};
  counties.forEach(function (c, i) {
    var key = c.p || c.n;
    if (!groups[key]) {
      groups[key] = el("optgroup");
      groups[key].label = key;
      select.appendChild(groups[key]);
    }
    var opt = el("option", "", c.n);
    opt.value = String(i);
    groups[key].appendChild(opt);
  });
  function useCounty(c) {
    $("choices").hidden = true;
    search(c.x, c.y, "离" + (c.p || "") + c.n + "驻地");
  }
  select.addEventListener("change", function () {
    if (select.value !== "") { useCounty(counties[Number(select.value)]); }
  });
  // A place typed: counties, towns and venues from /api/v1/venues/places.
  function usePlace(p) {
    $("choices").hidden = true;
    var where = p.kind === "county" ? "离" + p.area.replace(/\s+/g, "") + "驻地"
      : "离" + p.name + (p.approximate ? "所在县区驻地" : "");
    search(p.lng, p.lat, where);
  }
  $("place-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = $("place").value.replace(/\s+/g, "");
    var box = $("choices");
    box.textContent = "";
    box.hidden = true;
    if (!q) { return; }
    setStatus("正在查找“" + q + "”…");
    fetch(DATA.places + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (body) {
        var hits = body.items;
        if (!hits.length) {
          clear();
          setStatus("没有找到“" + q + "”。请换个县区、乡镇街道或驿站的名称，或从上面的列表中选择县区。", true);
          return;
        }
        // One place called exactly that (七里河 for 七里河区) needs no choosing.
        var exact = hits.filter(function (p) {
          return p.name === q || p.name.replace(/(自治县|自治州|街道|区|县|市|镇|乡)$/, "") === q;
        });
        if (hits.length === 1 || exact.length === 1) { usePlace(exact[0] || hits[0]); return; }
        hits.forEach(function (p) {
          var b = el("button", "", p.name);
          b.type = "button";
          b.appendChild(el("span", "area", p.kind_name + " · " + p.area));
          b.addEventListener("click", function () { usePlace(p); });
          box.appendChild(b);
        });
        box.hidden = false;
        clear();
        setStatus("找到 " + hits.length + " 个地点，请选择一个。");
      })
      .catch(function () { setStatus("网络不可用，请稍后再试。", true); });
  });

  // Filters: the kind (驿站 first) and 现在开放; a change searches again from the same place.
  Array.prototype.forEach.call($("kinds").querySelectorAll("button"), function (b) {
    b.addEventListener("click", function () {
      kind = b.dataset.kind;
      Array.prototype.forEach.call($("kinds").querySelectorAll("button"), function (o) {
        o.setAttribute("aria-pressed", String(o === b));
      });
      if (lastOrigin) { search(lastOrigin[0], lastOrigin[1], lastWhere); }
    });
  });
  $("open-now").addEventListener("change", function () {
    openNow = $("open-now").checked;
    if (lastOrigin) { search(lastOrigin[0], lastOrigin[1], lastWhere); }
  });
  $("locate").addEventListener("click", locate);

  // Map view: markers on the configured tiles, or on a plain background without them.
  function toTiles(lng, lat) {
    return DATA.tiles.crs === "gcj02" ? window.SmartunionBoundaries.wgsToGcj(lng, lat) : [lng, lat];
  }
  function drawMap() {
    if (!window.L) { return; }
    if (!map) {
      map = L.map(mapEl, { attributionControl: !!DATA.tiles.url });
      L.control.scale({ imperial: false }).addTo(map);
      if (DATA.tiles.url) {
        L.tileLayer(DATA.tiles.url, {
          subdomains: DATA.tiles.subdomains || "abc", maxZoom: 18, attribution: DATA.tiles.attribution || ""
        }).addTo(map);
      }
      // The province's cities and counties under the markers: a map even without tiles.
      window.SmartunionBoundaries.add(map, DATA.boundaries, { toMap: toTiles }).then(function (bounds) {
        if (bounds && !lastItems.length && !lastOrigin) { map.fitBounds(bounds); }
      });
      if (!lastItems.length && !lastOrigin) { map.setView([36.06, 103.83], 6); }
    }
    if (layer) { layer.remove(); }
    layer = L.layerGroup().addTo(map);
    var pts = [];
    if (lastOrigin) {
      var o = toTiles(lastOrigin[0], lastOrigin[1]);
      L.circleMarker([o[1], o[0]], { radius: 8, color: "#fff", weight: 3, fillColor: "#1f5fbf", fillOpacity: 1 })
        .bindTooltip("您的位置", { permanent: true, direction: "top", className: "map-label", offset: [0, -10] }).addTo(layer);
      pts.push([o[1], o[0]]);
    }
    lastItems.forEach(function (item, i) {
      // Items come in WGS-84 (crs=wgs84 in the request); numbered like the list.
      var p = toTiles(item.lng, item.lat);
      var icon = L.divIcon({ className: "num-icon", html: String(i + 1), iconSize: [24, 24] });
      L.marker([p[1], p[0]], { icon: icon, title: item.name, zIndexOffset: 100 - i })
        .bindPopup(el("div", "", item.name + " · " + distanceText(item.distance_m)))
        .addTo(layer);
      pts.push([p[1], p[0]]);
    });
    if (pts.length) { map.fitBounds(pts, { padding: [30, 30], maxZoom: 16 }); }
    else if (!map._loaded) { map.setView([36.06, 103.83], 6); }
  }
  function show(which) {
    var isMap = which === "map";
    $("show-list").setAttribute("aria-pressed", String(!isMap));
    $("show-map").setAttribute("aria-pressed", String(isMap));
    results.hidden = isMap;
    mapEl.hidden = !isMap;
    if (isMap) {
      drawMap();
      if (map) { map.invalidateSize(); }
    }
  }
  $("show-list").addEventListener("click", function () { show("list"); });
  $("show-map").addEventListener("click", function () { show("map"); });

  locate();
})();
