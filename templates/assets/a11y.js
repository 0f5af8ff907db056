/* Keyboard and screen-reader touches on top of Material (no requests, nothing from the data).
 *
 * 1. Search: Material closes the search dialog on Tab. Here Tab and Shift+Tab move
 *    between the search box and the results (as the arrow keys do); Tab past the last
 *    result, or Escape, still closes it.
 * 2. Wide tables: a table wider than the screen (a phone) scrolls sideways in Material's
 *    wrapper. That wrapper is then a labelled region a keyboard can reach and scroll,
 *    and it is marked so the stylesheet shows that it scrolls (shadows and a note).
 */
(function () {
  "use strict";

  /* -- 1. search ---------------------------------------------------------------------- */
  var RESULTS = ":not(details) > [href], summary, details[open] [href]";  /* Material's */

  function searchOpen() {
    var toggle = document.getElementById("__search");
    return !!(toggle && toggle.checked);
  }

  window.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || !searchOpen()) return;
    var dialog = document.querySelector(".md-search");
    var query = dialog && dialog.querySelector(".md-search__input");
    var list = dialog && dialog.querySelector("[data-md-component=search-result]");
    if (!query || !list) return;
    var stops = [query].concat(Array.prototype.slice.call(list.querySelectorAll(RESULTS)));
    var here = stops.indexOf(document.activeElement);
    if (here === -1) return;
    /* Material sends any other key to the search box: Shift pressed on a result, before
       its Tab, would take the focus back there. */
    if (event.key === "Shift" && here > 0) { event.stopPropagation(); return; }
    if (event.key !== "Tab") return;
    var next = here + (event.shiftKey ? -1 : 1);
    if (next < 0 || next >= stops.length) return;  /* leaving the dialog: Material closes it */
    event.preventDefault();
    event.stopPropagation();  /* capture phase: Material's handler never sees this Tab */
    stops[next].focus();
  }, true);

  /* -- 2. wide tables ------------------------------------------------------------------ */
  function heading(wrap) {
    for (var el = wrap.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.replace(/¶$/, "").trim();
    }
    return "";
  }

  function mark(wrap) {
    var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    wrap.classList.toggle("bf-scrolls", scrolls);
    if (scrolls) {
      var title = heading(wrap);
      wrap.setAttribute("role", "region");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("aria-label", (title ? title + ": " : "") + "table, scrolls sideways");
    } else if (wrap.getAttribute("role") === "region") {
      wrap.removeAttribute("role");
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("aria-label");
    }
  }

  function markAll() {
    var wraps = document.querySelectorAll(".md-content .md-typeset__scrollwrap");
    for (var i = 0; i < wraps.length; i++) mark(wraps[i]);
  }

  var pending = 0;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(markAll);
  });
  /* Material wraps the tables when a page is shown (document$ also fires on instant
     navigation); without Material's script there is nothing to mark. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { requestAnimationFrame(markAll); });
  } else {
    window.addEventListener("load", markAll);
  }
})();
