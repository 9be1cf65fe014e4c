/* Park Registry: drag and drop onto a file input's zone ([data-dropzone], the import page).
 * A file dropped on the zone goes into the zone's file input and its form is sent, as if the file
 * had been picked and the button pressed (a portal upload is only a dry run: nothing is written until
 * "apply this plan"). The zone's texts come from the page (data-* attributes, in its language).
 * Without this script the plain file input works alone; the keyboard uses that input. */
(function () {
  "use strict";

  function carriesFiles(event) {
    var types = event.dataTransfer ? event.dataTransfer.types : null;
    return !!types && Array.prototype.indexOf.call(types, "Files") !== -1;
  }

  function enhance(zone) {
    var input = zone.querySelector('input[type="file"]');
    if (!input || !input.form) {
      return;
    }
    var form = input.form;
    var status = document.getElementById(zone.getAttribute("data-status"));
    var depth = 0; // dragenter/dragleave fire for every child the pointer crosses

    function say(text) {
      if (status) {
        status.textContent = text || "";
      }
    }

    function leave() {
      depth = 0;
      zone.classList.remove("over");
    }

    zone.classList.add("enhanced");
    zone.addEventListener("dragenter", function (event) {
      if (!carriesFiles(event)) {
        return;
      }
      event.preventDefault();
      depth += 1;
      zone.classList.add("over");
    });
    zone.addEventListener("dragover", function (event) {
      if (!carriesFiles(event)) {
        return;
      }
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    zone.addEventListener("dragleave", function () {
      depth = Math.max(0, depth - 1);
      if (depth === 0) {
        leave();
      }
    });
    zone.addEventListener("drop", function (event) {
      if (!carriesFiles(event)) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      leave();
      var files = event.dataTransfer.files;
      if (files.length !== 1) {
        say(zone.getAttribute("data-one-file"));
        return;
      }
      input.files = files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit();
      } else {
        form.submit();
      }
    });
    input.addEventListener("change", function () {
      say(input.files.length ? zone.getAttribute("data-chosen") + input.files[0].name : "");
    });
    form.addEventListener("submit", function () {
      zone.classList.add("busy");
      say(zone.getAttribute("data-sending"));
    });
  }

  // A file dropped beside the zone must not make the browser leave the page to show the file.
  window.addEventListener("dragover", function (event) {
    if (carriesFiles(event)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "none";
    }
  });
  window.addEventListener("drop", function (event) {
    if (carriesFiles(event)) {
      event.preventDefault();
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-dropzone]"), enhance);
})();
