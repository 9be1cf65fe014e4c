// Wide tables scroll sideways inside their .table-wrap; a keyboard user must be able to reach and
// scroll them (WCAG 2.1.1). Each wrap that is not already a named region becomes one: focusable, and
// named by the heading before it (or its table's caption), with a number when two share a name.
(function () {
  "use strict";
  var used = {};
  // "（表格）" / " (table)": a table's region is never named as the section around it.
  var TABLE = document.documentElement.lang.indexOf("zh") === 0 ? "（表格）" : " (table)";
  function nameOf(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption) return caption.textContent.trim();
    for (var el = wrap.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.trim();
      var inner = el.querySelector && el.querySelector("h1, h2, h3");
      if (inner) return inner.textContent.trim();
    }
    var parentHeading = wrap.closest("section, details");
    var h = parentHeading && parentHeading.querySelector("h2, h3, summary");
    return h ? h.textContent.trim() : document.title;
  }
  Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
    if (wrap.hasAttribute("tabindex")) return;
    var name = nameOf(wrap) + TABLE;
    used[name] = (used[name] || 0) + 1;
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", used[name] > 1 ? name + " (" + used[name] + ")" : name);
  });
})();
