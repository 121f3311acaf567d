/* Point picker of the TPS and Post admin forms: a Leaflet map with the desa boundary.
 *
 * A static file, never inline script (the Content-Security-Policy forbids it). The map reads
 * its settings from data attributes on .opsboard-point-map: the ids of the latitude,
 * longitude and desa inputs, the current point, and the admin-only boundary URL (with 0 in
 * place of the desa id). Clicking the map or dragging the marker fills the inputs; typing in
 * them moves the marker; choosing another desa redraws its boundary.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  function number(value) {
    var n = parseFloat(String(value === undefined || value === null ? "" : value).replace(",", "."));
    return isFinite(n) ? n : null;
  }

  function init(el) {
    if (typeof window.L === "undefined") {
      return;
    }
    var L = window.L;
    var lat = document.getElementById(el.dataset.latInput);
    var lng = document.getElementById(el.dataset.lngInput);
    var desa = document.getElementById(el.dataset.desaInput);
    var editable = Boolean(lat && lng);
    var map = L.map(el, { scrollWheelZoom: false }).setView([-7.82, 111.98], 12);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    }
    var marker = null;
    var boundary = null;

    function current() {
      var a = number(editable ? lat.value : el.dataset.lat);
      var b = number(editable ? lng.value : el.dataset.lng);
      return a === null || b === null ? null : [a, b];
    }

    function write(latlng) {
      if (!editable) {
        return;
      }
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
    }

    function place(point, pan) {
      if (!point) {
        return;
      }
      if (marker === null) {
        marker = L.marker(point, { draggable: editable, keyboard: true }).addTo(map);
        marker.on("dragend", function () {
          write(marker.getLatLng());
        });
      } else {
        marker.setLatLng(point);
      }
      if (pan) {
        map.setView(point, Math.max(map.getZoom(), 15));
      }
    }

    function loadBoundary(id) {
      if (boundary !== null) {
        map.removeLayer(boundary);
        boundary = null;
      }
      if (!id) {
        return;
      }
      var url = el.dataset.boundaryUrl.replace("/0/", "/" + encodeURIComponent(id) + "/");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (feature) {
          if (!feature || !feature.geometry) {
            return;
          }
          boundary = L.geoJSON(feature, {
            style: { color: "#1f5fbf", weight: 2, fillOpacity: 0.05 },
            interactive: false,
          }).addTo(map);
          if (current() === null) {
            map.fitBounds(boundary.getBounds());
          }
        })
        .catch(function () {
          /* the map still works without the boundary */
        });
    }

    if (editable) {
      map.on("click", function (event) {
        write(event.latlng);
        place([event.latlng.lat, event.latlng.lng], false);
      });
      [lat, lng].forEach(function (input) {
        input.addEventListener("change", function () {
          place(current(), true);
        });
      });
    }
    place(current(), true);
    loadBoundary(desa ? desa.value : el.dataset.desa);
    if (desa) {
      var onDesa = function () {
        loadBoundary(desa.value);
      };
      // The desa field is a select2 autocomplete, which announces changes as jQuery events.
      if (window.django && window.django.jQuery) {
        window.django.jQuery(desa).on("change", onDesa);
      } else {
        desa.addEventListener("change", onDesa);
      }
    }
  }

  ready(function () {
    document.querySelectorAll(".opsboard-point-map").forEach(init);
  });
})();
