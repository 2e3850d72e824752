// Enhancements only: every page works without this file.
(function () {
  "use strict";
  // Copy buttons: data-copy names the element whose text (or value) is copied.
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.querySelector(button.getAttribute("data-copy"));
      if (!source) { return; }
      var text = source.value !== undefined && source.tagName === "INPUT" ? source.value : source.textContent.trim();
      var done = function () {
        var label = button.textContent;
        button.textContent = "Copied";
        button.classList.add("done");
        setTimeout(function () { button.textContent = label; button.classList.remove("done"); }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(source, text); done(); });
      } else { fallback(source, text); done(); }
    });
  });
  function fallback(source, text) {
    var area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "absolute"; area.style.left = "-9999px";
    document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable */ }
    document.body.removeChild(area);
  }
  // Version tabs: show one text version at a time; without JS all versions follow each other.
  var tabs = Array.prototype.slice.call(document.querySelectorAll(".tabs a[data-tab]"));
  if (tabs.length > 1) {
    var panels = tabs.map(function (t) { return document.getElementById(t.getAttribute("data-tab")); });
    var select = function (index, focus) {
      tabs.forEach(function (t, i) {
        var on = i === index;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.setAttribute("tabindex", on ? "0" : "-1");
        if (panels[i]) { panels[i].hidden = !on; }
      });
      if (focus) { tabs[index].focus(); }
    };
    var list = tabs[0].closest("ul");
    list.setAttribute("role", "tablist");
    Array.prototype.forEach.call(list.children, function (li) { li.setAttribute("role", "presentation"); });
    tabs.forEach(function (t, i) {
      t.setAttribute("role", "tab");
      t.setAttribute("aria-controls", t.getAttribute("data-tab"));
      if (panels[i]) { panels[i].setAttribute("role", "tabpanel"); }
      t.addEventListener("click", function (e) { e.preventDefault(); select(i, false); history.replaceState(null, "", "#" + t.getAttribute("data-tab")); });
      t.addEventListener("keydown", function (e) {
        if (e.key === "ArrowRight") { select((i + 1) % tabs.length, true); e.preventDefault(); }
        if (e.key === "ArrowLeft") { select((i - 1 + tabs.length) % tabs.length, true); e.preventDefault(); }
      });
    });
    var wanted = tabs.findIndex(function (t) { return "#" + t.getAttribute("data-tab") === location.hash; });
    select(wanted >= 0 ? wanted : 0, false);
  }
})();
