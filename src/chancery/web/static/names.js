// Names as the reader types in the site search box (an enhancement: the box works without
// it). The names come from /suggest; a native <datalist> shows them, so the browser's own
// list is what keyboards, screen readers and touch use (arrow keys, Enter, Escape).
(function () {
  "use strict";
  if (!window.fetch) { return; }
  // the search box in every page's header, and the home page's own (which replaces it)
  ["site-q", "home-q"].forEach(function (id) {
    var box = document.getElementById(id);
    if (box) { wire(box); }
  });
  function wire(box) {
    var list = document.createElement("datalist");
    list.id = box.id + "-names";
    box.parentNode.appendChild(list);
    box.setAttribute("list", list.id);
    var hint = document.createElement("span");  // says how many names are offered
    hint.className = "visually-hidden";
    hint.id = box.id + "-names-status";
    hint.setAttribute("role", "status");
    box.parentNode.appendChild(hint);
    var timer = null, asked = "";
    function show(names) {
      list.textContent = "";
      names.forEach(function (n) {
        var option = document.createElement("option");
        option.value = n.query;
        option.label = n.name + (n.matched ? " (" + n.matched + ")" : "") + " · " + n.documents + " documents";
        list.appendChild(option);
      });
      hint.textContent = names.length ? names.length + " names suggested" : "";
  }
  function ask() {
    var typed = box.value.trim();
    if (typed === asked) { return; }
    asked = typed;
    if (typed.length < 2 || typed.charAt(0) === '"') { show([]); return; }
    fetch("/suggest?limit=8&q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { names: [] }; })
      .then(function (data) { if (asked === typed) { show(data.names || []); } })
      .catch(function () { show([]); });
  }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);  // one request per pause in typing, not per key
  });
  }
})();
