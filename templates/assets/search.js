/* The header's search box on the published site: Pagefind (generator/sitesearch.py).
 *
 * The build writes Pagefind's script and index to pagefind/; the box
 * (templates/theme/partials/search-pagefind.html, marked data-bf-pagefind) is Material's
 * own markup without what makes Material's script fetch its whole index on every page.
 * Nothing is fetched until the reader reaches for the box; then Pagefind loads the index
 * chunks of the words typed and the excerpts of the results shown, a few at a time.
 *
 * Offline (file://) and under `mkdocs serve` the page carries Material's search instead,
 * and this script does nothing. Pagefind's excerpts are text with <mark> around the words
 * found: the results are built with createElement and textContent, splitting on the marks,
 * never from HTML strings. Keys as in Material: f, s or / open the box; the arrows move
 * between the box and the results (Tab too: assets/a11y.js); Enter opens the first or the
 * chosen result; Escape closes.
 */
(function () {
  "use strict";

  var dialog = document.querySelector(".md-search[data-bf-pagefind]");
  if (!dialog) return;
  var toggle = document.getElementById("__search");
  var form = dialog.querySelector(".md-search__form");
  var input = dialog.querySelector(".md-search__input");
  var meta = dialog.querySelector(".md-search-result__meta");
  var results = dialog.querySelector("[data-md-component=search-result]");
  var list = dialog.querySelector(".md-search-result__list");
  if (!toggle || !form || !input || !meta || !results || !list) return;

  var PAGE = 10; // results shown at a time: each one fetches its excerpt
  var DELAY = 60; // ms after the last key before searching
  var RESULTS = ":not(details) > [href], summary, details[open] [href]"; // as a11y.js

  var words = {
    "search.result.placeholder": "Type to start searching",
    "search.result.none": "No matching documents",
    "search.result.one": "1 matching document",
    "search.result.other": "# matching documents"
  };
  try {
    var config = JSON.parse(document.getElementById("__config").textContent);
    var translations = config.translations || {};
    Object.keys(words).forEach(function (key) {
      if (typeof translations[key] === "string") words[key] = translations[key];
    });
  } catch (error) { /* Material's defaults above */ }

  /* One Pagefind index, loaded once asked for. The first (every page but the older
     developments) is searched in the page's thread: a worker would be one more script to
     fetch and start before the first result. The second, data-bf-pagefind-earlier (the
     developments past the newest 1,000, on a large briefing), is searched after it in
     Pagefind's worker, so that the page stays responsive while it works. */
  function engine(src, inPage) {
    var script = new URL(src, document.baseURI);
    var loading = null;
    var index = function () {
      if (!loading) {
        loading = import(script.href).then(function (module) {
          // Result URLs start at the site's root, which may be a sub-path (GitHub Pages).
          return Promise.resolve(module.options({
            baseUrl: new URL("../", script).pathname, excerptLength: 24, noWorker: inPage
          })).then(function () {
            module.init(); // the index's entry and WebAssembly, while the reader types
            index.ready = true;
            return module;
          });
        });
        loading.catch(function () { loading = null; }); // try again on the next key
      }
      return loading;
    };
    index.ready = false;
    return index;
  }
  /* One search at a time per index, the newest waiting: a reader typing a word letter by
     letter does not queue a search per letter (a superseded one answers null). */
  function oneAtATime(index) {
    var busy = false;
    var waiting = null;
    function run(job) {
      busy = true;
      index()
        .then(function (module) {
          if (waiting) { job.resolve(null); job = waiting; waiting = null; } // typed meanwhile
          return module.search(job.term);
        })
        .then(function (answer) { job.resolve(answer); }, function (error) { job.reject(error); })
        .then(function () {
          busy = false;
          if (waiting) { var next = waiting; waiting = null; run(next); }
        });
    }
    return function (term) {
      return new Promise(function (resolve, reject) {
        var job = {term: term, resolve: resolve, reject: reject};
        if (!busy) { run(job); return; }
        if (waiting) waiting.resolve(null);
        waiting = job;
      });
    };
  }

  var latest = engine(dialog.getAttribute("data-bf-pagefind"), true);
  var earlierSrc = dialog.getAttribute("data-bf-pagefind-earlier");
  var earlier = earlierSrc ? engine(earlierSrc, false) : null;
  var searchLatest = oneAtATime(latest);
  var searchEarlier = earlier ? oneAtATime(earlier) : null;

  function say(text) { meta.textContent = text; }

  function count(n) {
    if (n === 0) return words["search.result.none"];
    if (n === 1) return words["search.result.one"];
    return words["search.result.other"].replace("#", n.toLocaleString("en"));
  }

  /* Pagefind escapes the page's own text in an excerpt (&lt; &amp; …): back to text. */
  var ENTITIES = {amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'"};
  function decoded(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (whole, name) {
      if (name.charAt(0) === "#") {
        var code = /x/i.test(name.charAt(1)) ? parseInt(name.slice(2), 16)
          : parseInt(name.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
      }
      var key = name.toLowerCase();
      return Object.prototype.hasOwnProperty.call(ENTITIES, key) ? ENTITIES[key] : whole;
    });
  }

  /* "text <mark>word</mark> text" → text nodes and <mark> elements, never parsed as HTML. */
  function excerpt(html) {
    var p = document.createElement("p");
    var parts = String(html || "").split(/<\/?mark>/);
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      var text = decoded(parts[i]);
      if (i % 2) {
        var mark = document.createElement("mark");
        mark.textContent = text;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(text));
      }
    }
    return p;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.tabIndex = -1;
    link.href = data.url; // a page of this site, as Pagefind recorded it
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var icon = document.createElement("div");
    icon.className = "md-search-result__icon md-icon";
    var title = document.createElement("h1");
    title.textContent = (data.meta && data.meta.title) || data.url;
    article.appendChild(icon);
    article.appendChild(title);
    article.appendChild(excerpt(data.excerpt));
    link.appendChild(article);
    li.appendChild(link);
    return li;
  }

  var asked = 0; // the latest search: older answers are dropped
  var timer = 0;

  /* One search's results: the first index's, then the earlier developments' appended.
     Shown PAGE at a time; every excerpt of a page of results is asked for at once, and
     each result is shown as soon as it and those before it are there. */
  function Answer(query) {
    this.query = query;
    this.found = [];
    this.shown = 0;
    this.pending = !!earlier; // the earlier developments are still being searched
    this.more = null; // the "show more" link, while there are more
    this.queue = Promise.resolve(); // what is shown, in order
  }

  Answer.prototype.current = function () { return this.query === asked; };

  Answer.prototype.report = function () {
    if (!this.current()) return;
    var n = this.found.length;
    if (this.pending && !n) say("Searching…");
    else say(count(n) + (this.pending ? " so far" : ""));
  };

  Answer.prototype.showMore = function () {
    var self = this;
    self.queue = self.queue.then(function () {
      var from = self.shown;
      var asking = self.found.slice(from, from + PAGE).map(function (r) { return r.data(); });
      self.shown += asking.length;
      if (self.more) { self.more.remove(); self.more = null; }
      var chain = Promise.resolve();
      asking.forEach(function (answer) {
        chain = chain.then(function () { return answer; }).then(function (data) {
          if (self.current()) list.appendChild(item(data));
        });
      });
      return chain.then(function () { self.offerMore(); return from; });
    });
    return self.queue;
  };

  Answer.prototype.offerMore = function () {
    var self = this;
    var left = self.found.length - self.shown;
    if (!self.current() || self.more || left <= 0) return;
    var li = document.createElement("li");
    li.className = "md-search-result__item bf-search-more";
    var link = document.createElement("a"); // a link: the arrows and Tab reach it
    link.href = "#";
    link.className = "md-search-result__link";
    link.tabIndex = -1;
    link.setAttribute("role", "button");
    link.textContent = "Show " + Math.min(PAGE, left) + " more of " + left.toLocaleString("en");
    link.addEventListener("click", function (event) {
      event.preventDefault();
      self.showMore().then(function (from) {
        var links = list.querySelectorAll(".md-search-result__link");
        if (links[from]) links[from].focus();
      });
    });
    li.appendChild(link);
    list.appendChild(li);
    self.more = li;
  };

  Answer.prototype.add = function (results) {
    var self = this;
    self.found = self.found.concat(results);
    self.report();
    if (self.shown < PAGE) return self.showMore();
    self.queue = self.queue.then(function () {
      if (self.more) { self.more.remove(); self.more = null; }
      self.offerMore();
    });
    return self.queue;
  };

  function failed(answer) {
    if (!answer.current()) return;
    say(location.protocol === "file:"
      ? "Search needs the site served over the web; the offline copy (make offline) " +
        "searches from disk."
      : "Search is not available right now.");
  }

  function search() {
    var query = ++asked;
    var term = input.value.trim();
    if (!term) {
      list.textContent = "";
      say(words["search.result.placeholder"]);
      return;
    }
    var answer = new Answer(query);
    searchLatest(term)
      .then(function (found) {
        if (!answer.current() || !found) return;
        list.textContent = ""; // the previous word's results stay until these come
        var shown = answer.add(found.results);
        if (!searchEarlier) return;
        return shown // the first results' excerpts first, then the earlier developments
          .then(function () { return answer.current() ? searchEarlier(term) : null; })
          .then(function (more) {
            if (!answer.current() || !more) return;
            answer.pending = false;
            answer.add(more.results);
          }, function () {
            answer.pending = false;
            answer.report();
          });
      })
      .catch(function () { failed(answer); });
  }

  function open() {
    if (!toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
  }
  function close() {
    if (toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
    input.blur();
  }

  // Pagefind starts loading as the reader reaches for the box.
  input.addEventListener("pointerenter", function () { latest(); });
  input.addEventListener("focus", function () { open(); latest(); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    // While Pagefind loads there is nothing to wait for: the search starts once it is
    // there, with the word as typed by then (oneAtATime).
    if (latest.ready) timer = setTimeout(search, DELAY);
    else search();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { search(); input.focus(); }, 0);
  });
  toggle.addEventListener("change", function () {
    if (toggle.checked && document.activeElement !== input) {
      setTimeout(function () { input.focus(); }, 250); // after Material's transition
    }
  });

  // A link to ?q=word opens the search with it, as Material's does; a word typed before
  // this script ran is searched too.
  var shared = new URLSearchParams(location.search).get("q");
  if (shared) input.value = shared;
  if (shared || (document.activeElement === input && input.value.trim())) {
    open();
    search();
  }

  window.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var active = document.activeElement;
    if (!toggle.checked) {
      var typing = active && (active.isContentEditable ||
        /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
      if (!typing && (event.key === "f" || event.key === "s" || event.key === "/")) {
        event.preventDefault();
        open();
        input.focus();
        input.select();
      }
      return;
    }
    var stops = [input].concat(Array.prototype.slice.call(results.querySelectorAll(RESULTS)));
    var here = stops.indexOf(active);
    switch (event.key) {
      case "Escape":
      case "Tab": // a Tab within the results is assets/a11y.js's; this one leaves them
        close();
        break;
      case "Enter":
        if (active === input) {
          event.preventDefault();
          var first = list.querySelector(".md-search-result__link");
          if (first) first.click();
        }
        break;
      case "ArrowUp":
      case "ArrowDown":
        if (here === -1 || stops.length < 2) return;
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        stops[(here + step + stops.length) % stops.length].focus();
        break;
      default:
        if (active !== input && event.key.length === 1) input.focus();
    }
  });
})();
