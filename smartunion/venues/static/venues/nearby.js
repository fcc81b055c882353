/* 附近驿站 (phone page): locate, ask /api/v1/venues/nearest, show a list and a Leaflet map. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("page-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var statusEl = $("status"), results = $("results"), mapEl = $("map");
  var map = null, layer = null, lastItems = [], lastOrigin = null;

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

  function render(items, origin, where) {
    lastItems = items;
    lastOrigin = origin;
    results.textContent = "";
    if (!items.length) {
      setStatus("附近没有找到开放的驿站。", true);
      return;
    }
    items.forEach(function (item, i) { results.appendChild(card(item, i)); });
    setStatus(where + "最近的 " + items.length + " 处，按距离排列。");
    if (map) { drawMap(); }
  }

  function search(lng, lat, where) {
    setStatus("正在查找附近驿站…");
    var url = DATA.api + "?lng=" + lng.toFixed(6) + "&lat=" + lat.toFixed(6) + "&crs=wgs84&limit=10";
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
  function strip(s) {
    return s.replace(/\s+/g, "").replace(/(省|市|县|区|自治州|自治县|回族|藏族|裕固族|哈萨克族|保安族|东乡族|撒拉族)$/g, "");
  }
  $("place-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = strip($("place").value.trim());
    var box = $("choices");
    box.textContent = "";
    if (!q) { return; }
    var hits = counties.filter(function (c) {
      return c.n.indexOf(q) !== -1 || (c.p && c.p.indexOf(q) !== -1) || q.indexOf(strip(c.n)) !== -1;
    });
    if (hits.length === 1) { useCounty(hits[0]); return; }
    if (!hits.length) { setStatus("没有找到“" + q + "”，请换个县区名称或从列表中选择。", true); return; }
    hits.slice(0, 30).forEach(function (c) {
      var b = el("button", "", (c.p ? c.p + " " : "") + c.n);
      b.type = "button";
      b.addEventListener("click", function () { useCounty(c); });
      box.appendChild(b);
    });
    box.hidden = false;
    setStatus("找到 " + hits.length + " 个县区，请选择一个。");
  });
  $("locate").addEventListener("click", locate);

  // Map view: markers on the configured tiles, or on a plain background without them.
  function toTiles(lng, lat) {
    return DATA.tiles.crs === "gcj02" ? wgsToGcj(lng, lat) : [lng, lat];
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

  locate();
})();
