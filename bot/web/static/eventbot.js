/* eventbot's public page: the map, made from the markers the page carries in data-markers (no inline script).
   Without this script (or without Leaflet) the page stays as it is: everything is in its lists. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof window.L === "undefined") {
    return;
  }
  var markers;
  try {
    markers = JSON.parse(element.getAttribute("data-markers") || "[]");
  } catch (error) {
    return;
  }
  if (!Array.isArray(markers) || markers.length === 0) {
    return;
  }
  var L = window.L;

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  // the popup is built from DOM nodes: titles are text, never HTML
  function popupContent(items) {
    var list = document.createElement("ul");
    list.className = "popup-list";
    items.forEach(function (item) {
      var entry = document.createElement("li");
      if (item.when) {
        var when = document.createElement("span");
        when.className = "hint";
        when.textContent = item.when;
        entry.appendChild(when);
        entry.appendChild(document.createElement("br"));
      }
      var title = document.createTextNode(String(item.title || ""));
      var url = safeUrl(item.url);
      var name = title;
      if (url) {
        name = document.createElement("a");
        name.href = url;
        name.rel = "noopener";
        name.appendChild(title);
      }
      if (item.cancelled) {
        var del = document.createElement("del");
        del.appendChild(name);
        name = del;
      }
      entry.appendChild(name);
      if (item.place) {
        entry.appendChild(document.createElement("br"));
        entry.appendChild(document.createTextNode(String(item.place)));
      }
      list.appendChild(entry);
    });
    return list;
  }

  element.textContent = "";
  var map = L.map(element, { scrollWheelZoom: false });
  var tiles = element.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, {
      maxZoom: 19,
      attribution: element.getAttribute("data-attribution") || "",
      referrerPolicy: "strict-origin-when-cross-origin"
    }).addTo(map);
  }
  var points = [];
  markers.forEach(function (marker) {
    var lat = Number(marker.lat);
    var lon = Number(marker.lon);
    if (!isFinite(lat) || !isFinite(lon)) {
      return;
    }
    var items = Array.isArray(marker.items) ? marker.items : [];
    var label = items.length ? String(items[0].title || "") : "";
    if (items.length > 1) {
      label += " (+" + (items.length - 1) + ")";
    }
    L.marker([lat, lon], { title: label, alt: label, keyboard: true })
      .bindPopup(popupContent(items))
      .addTo(map);
    points.push([lat, lon]);
  });
  if (points.length) {
    map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 15 });
  }
})();
