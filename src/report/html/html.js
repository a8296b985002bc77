// chaff HTML report: page view, catalogue filter and links between the two. Reads everything
// from the DOM (no corpus text is ever placed in this script). Once it has run, it sets the
// data-chaff-ready attribute of <html>, for the browser check in tests/browser/.
(function () {
  "use strict";
  var d = document;
  var pages = Array.prototype.slice.call(d.querySelectorAll("article.page"));
  var select = d.getElementById("page-select");
  var rows = Array.prototype.slice.call(d.querySelectorAll("details.row"));

  function showPage(i, template) {
    if (!pages.length) return null;
    i = Math.max(0, Math.min(pages.length - 1, i));
    pages.forEach(function (p, j) { p.hidden = j !== i; });
    if (select) select.value = String(i);
    var first = null;
    Array.prototype.forEach.call(d.querySelectorAll("mark.focus"), function (m) {
      m.classList.remove("focus");
    });
    if (template) {
      Array.prototype.forEach.call(pages[i].querySelectorAll("mark"), function (m) {
        if (m.getAttribute("data-t") === template) {
          m.classList.add("focus");
          if (!first) first = m;
        }
      });
    }
    return first || pages[i];
  }

  if (select) {
    select.addEventListener("change", function () { showPage(+select.value); });
    d.getElementById("page-prev").addEventListener("click", function () {
      showPage(+select.value - 1);
    });
    d.getElementById("page-next").addEventListener("click", function () {
      showPage(+select.value + 1);
    });
  }

  d.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a[data-page]") : null;
    if (link) {
      e.preventDefault();
      var target = showPage(+link.getAttribute("data-page"), link.getAttribute("data-t"));
      if (target) target.scrollIntoView({ block: "center" });
      return;
    }
    var mark = e.target.closest ? e.target.closest("mark[data-t]") : null;
    if (mark) {
      var row = d.getElementById("t-" + mark.getAttribute("data-t"));
      if (row) {
        row.hidden = false;
        row.open = true;
        row.scrollIntoView({ block: "start" });
      }
    }
  });

  var filter = d.getElementById("cat-filter");
  var klass = d.getElementById("cat-class");
  var shown = d.getElementById("cat-shown");
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  function applyFilter() {
    var q = filter.value.trim().toLowerCase();
    var c = klass.value;
    var n = 0;
    rows.forEach(function (r, i) {
      var ok = (!c || r.getAttribute("data-class") === c) && (!q || texts[i].indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = String(n);
  }
  if (filter && klass) {
    filter.addEventListener("input", applyFilter);
    klass.addEventListener("change", applyFilter);
  }
  var openAll = d.getElementById("cat-open");
  if (openAll) {
    openAll.addEventListener("click", function () {
      var open = openAll.textContent === "Open all";
      rows.forEach(function (r) { r.open = open; });
      openAll.textContent = open ? "Close all" : "Open all";
    });
  }

  // A link to #page-N opens that page, one to #t-<template> opens that catalogue row; any
  // other start shows the first page.
  var m = /^#page-(\d+)$/.exec(location.hash);
  showPage(m ? +m[1] : 0);
  var t = /^#t-([0-9a-f]+)$/.exec(location.hash);
  var row = t && d.getElementById("t-" + t[1]);
  if (row) row.open = true;
  d.documentElement.setAttribute("data-chaff-ready", "1");
  d.documentElement.setAttribute("data-chaff-pages", String(pages.length));
  d.documentElement.setAttribute("data-chaff-rows", String(rows.length));
})();
