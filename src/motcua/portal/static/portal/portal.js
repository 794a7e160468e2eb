/* motcua portal: small enhancements only; every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus]");
    if (summary) summary.focus();

    /* Conditional fields: hide a field whose condition is false (the server ignores hidden answers). */
    var conditional = document.querySelectorAll("[data-when]");
    function valuesOf(name) {
      var out = [];
      document.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
        if (input.closest("[data-when][hidden]")) return;
        if (input.type === "radio" || input.type === "checkbox") {
          if (input.checked) out.push(input.value.toLowerCase());
        } else {
          out.push(input.value.toLowerCase());
        }
      });
      return out.length ? out : [""];
    }
    function update() {
      conditional.forEach(function (field) {
        var wanted = JSON.parse(field.getAttribute("data-when-values") || "[]");
        field.hidden = !valuesOf(field.getAttribute("data-when")).some(function (v) {
          return wanted.indexOf(v) !== -1;
        });
      });
    }
    if (conditional.length) {
      update();
      document.addEventListener("change", update);
    }

    /* Address: load the communes of the chosen province without a page reload. */
    document.querySelectorAll("select[data-communes]").forEach(function (province) {
      province.addEventListener("change", function () {
        var commune = document.getElementById(province.getAttribute("data-communes"));
        var url = province.getAttribute("data-communes-url") + "?tinh=" + encodeURIComponent(province.value);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            while (commune.options.length > 1) commune.remove(1);
            data.communes.forEach(function (item) { commune.add(new Option(item.name, item.code)); });
          })
          .catch(function () {  /* fall back to the "Chọn" button, as without JavaScript */
            province.parentNode.querySelectorAll(".js-hide").forEach(function (b) { b.classList.remove("js-hide"); });
          });
      });
    });

    /* Files: say at once when a chosen file is too large, and that an upload is on its way. */
    document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      var note = document.createElement("p");
      note.className = "hint";
      note.setAttribute("aria-live", "polite");
      input.parentNode.insertBefore(note, input.nextSibling);
      input.addEventListener("change", function () {
        var file = input.files[0];
        var max = Number(input.getAttribute("data-max-bytes"));
        note.className = file && file.size > max ? "error-message" : "hint";
        note.textContent = !file ? "" : file.size > max
          ? input.getAttribute("data-too-large").replace("{size}", (file.size / 1048576).toFixed(1).replace(".", ","))
          : "";
      });
      input.form.addEventListener("submit", function () {
        if (input.files.length) note.textContent = input.getAttribute("data-uploading");
      });
    });

    /* Submit once: a second click while the first is on its way does nothing. */
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
        form.setAttribute("data-sent", "1");
      });
    });
  });
})();
