// The document editor's enhancements: the editor works without this file.
(function () {
  "use strict";
  // After a failed save, the summary of what to put right takes the focus (autofocus does
  // it too, where the browser honours it on a non-form element).
  var summary = document.getElementById("error-summary") || document.getElementById("conflict");
  if (summary) { summary.focus(); }
  // Pickers: inputs with data-lookup fill their <datalist> with matches as one types.
  document.querySelectorAll("input[data-lookup]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    if (!list) { return; }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === asked) { return; }
        asked = q;
        var url = input.getAttribute("data-lookup") + "&format=json&q=" + encodeURIComponent(q);
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (rows) {
            list.textContent = "";
            rows.forEach(function (row) {
              var option = document.createElement("option");
              option.value = row.key;
              option.textContent = row.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the save resolves what was typed */ });
      }, 250);
    });
  });
})();
