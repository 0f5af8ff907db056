/* Timeline filters: narrow /situation/ by status, actor, place, tag and date, with counts.
 *
 * The form (templates/timeline.md.j2) is hidden in the page and shown here, so without
 * JavaScript the static timeline lists everything. The filter index
 * (assets/briefing/filter-index.js, written by generator/filterindex.py) is loaded with a
 * <script> element, which also works from file:// (the offline copy), and only when the
 * reader first reaches for a filter or opens a link that carries filters.
 *
 * The filter state lives in the URL: ?status=confirmed&status=claimed&actor=<id>&place=<id>
 * &tag=<id>&from=2024-12-01&to=2024-12-08. Every text from the briefing is data: the DOM
 * is built with createElement and textContent, never from HTML strings. Links go to the
 * development pages only, made from ids that are slugs.
 */
(function () {
  "use strict";

  var PAGE = 100; // results added at a time
  var KEYS = ["status", "actor", "place", "tag", "from", "to"];
  var FACETS = ["actor", "place", "tag"];
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var DAY_MS = 86400000;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function dayOf(value) { // "2024-12-06" → days since 1970-01-01, or NaN
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return NaN;
    return Math.floor(Date.parse(value + "T00:00:00Z") / DAY_MS);
  }
  function isoDay(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }
  function humanDay(day) { // as the static timeline writes it: 6 December 2024
    var d = new Date(day * DAY_MS);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }
  function dateLabel(day, precision) { // as generator/clocks.date_label
    if (precision === 1) {
      var weekday = (new Date(day * DAY_MS).getUTCDay() + 6) % 7; // Monday is 0
      return "week of " + humanDay(day - weekday);
    }
    if (precision === 2) {
      var d = new Date(day * DAY_MS);
      return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
    }
    return "";
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function num(n) { return n.toLocaleString("en"); } // 10,000
  function plural(n, one, many) { return num(n) + " " + (n === 1 ? one : many); }

  function Filters(form) {
    this.form = form;
    this.results = document.getElementById(form.getAttribute("data-results") || "");
    this.count = form.querySelector(".bf-filters__count");
    this.index = null;
    this.loading = null;
    this.matches = [];
    this.shown = 0;
    this.turn = 0;
  }

  Filters.prototype.start = function () {
    var self = this, form = this.form;
    form.hidden = false;
    var wake = function () { // the counts as soon as the index is there
      self.load().then(function () { if (!self.turn) self.apply(false); }).catch(function () {});
    };
    ["focusin", "pointerover", "pointerdown", "touchstart"].forEach(function (name) {
      form.addEventListener(name, wake, { passive: true }); // after a failure, tries again
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("change", function () { self.changed(); });
    var clear = form.querySelector(".bf-filters__clear");
    if (clear) {
      clear.addEventListener("click", function () {
        form.reset();
        self.changed();
      });
    }
    var query = new URLSearchParams(window.location.search);
    if (KEYS.some(function (key) { return query.has(key); })) {
      this.fromURL(query); // the checkboxes and dates at once; the lists once loaded
      this.changed(query);
    }
  };

  Filters.prototype.load = function () {
    var self = this;
    if (this.loading) return this.loading;
    this.loading = new Promise(function (resolve, reject) {
      var done = function () {
        var data = window.bfFilterIndex;
        if (!data || data.version !== 1) { reject(new Error("no filter index")); return; }
        self.prepare(data);
        resolve(self.index);
      };
      if (window.bfFilterIndex) { done(); return; }
      var script = document.createElement("script");
      script.src = new URL(self.form.getAttribute("data-index"), window.location.href).href;
      script.async = true;
      script.onload = done;
      script.onerror = function () { reject(new Error("the filter index did not load")); };
      document.head.appendChild(script);
    });
    this.loading.catch(function () {
      self.loading = null; // the next touch tries again
      self.form.removeAttribute("aria-busy");
      self.say("The filters could not load their data; the whole timeline is listed below.");
    });
    return this.loading;
  };

  Filters.prototype.prepare = function (data) {
    var form = this.form, n = data.id.length;
    var index = {
      data: data, n: n, status: Uint8Array.from(data.status), day: Int32Array.from(data.day),
      codes: {}, options: {}, shown: {}, statusCode: {},
    };
    data.statuses.forEach(function (value, code) { index.statusCode[value] = code; });
    FACETS.forEach(function (facet) {
      var entries = data[facet + "s"], select = form.elements[facet], codes = {}, options = [];
      entries.forEach(function (entry, code) {
        codes[entry[0]] = code;
        var option = el("option", "", entry[1]);
        option.value = entry[0];
        options.push(option);
      });
      select.append.apply(select, options);
      index.codes[facet] = codes;
      index.options[facet] = options;
      index.shown[facet] = new Int32Array(options.length).fill(-1);
    });
    if (n) {
      var first = isoDay(index.day[n - 1]), last = isoDay(index.day[0]);
      ["from", "to"].forEach(function (name) {
        form.elements[name].min = first;
        form.elements[name].max = last;
      });
    }
    index.link = this.linkPattern(n ? data.id[0] : "");
    this.index = index;
  };

  // How this build links to a development page (folder URLs or .html files): the static
  // timeline below links to the newest development, the index's first entry.
  Filters.prototype.linkPattern = function (first) {
    var links = document.querySelectorAll(".md-content a[href]");
    for (var i = 0; first && i < links.length; i++) {
      var href = links[i].getAttribute("href"), at = href.lastIndexOf(first);
      var after = href.slice(at + first.length);
      if (at >= 0 && (after === "/" || after === ".html" || after === "/index.html")) {
        return { before: href.slice(0, at), after: after };
      }
    }
    return { before: "", after: "/" };
  };

  Filters.prototype.fromURL = function (query) {
    var form = this.form, wanted = query.getAll("status");
    form.querySelectorAll("input[name=status]").forEach(function (box) {
      box.checked = wanted.indexOf(box.value) >= 0;
    });
    ["from", "to"].forEach(function (name) {
      var value = query.get(name) || "";
      form.elements[name].value = isNaN(dayOf(value)) ? "" : value;
    });
  };

  Filters.prototype.state = function () {
    var form = this.form, index = this.index, state = { statuses: null, status: [] };
    form.querySelectorAll("input[name=status]").forEach(function (box) {
      if (box.checked && box.value in index.statusCode) {
        state.statuses = state.statuses || {};
        state.statuses[index.statusCode[box.value]] = true;
        state.status.push(box.value);
      }
    });
    FACETS.forEach(function (facet) {
      var value = form.elements[facet].value;
      state[facet] = value in index.codes[facet] ? index.codes[facet][value] : -1;
      state[facet + "Id"] = state[facet] >= 0 ? value : "";
    });
    state.fromValue = form.elements.from.value;
    state.toValue = form.elements.to.value;
    var from = dayOf(state.fromValue), to = dayOf(state.toValue);
    state.from = isNaN(from) ? -Infinity : from;
    state.to = isNaN(to) ? Infinity : to;
    state.active = Boolean(state.statuses) || state.actor >= 0 || state.place >= 0 ||
      state.tag >= 0 || state.from > -Infinity || state.to < Infinity;
    return state;
  };

  Filters.prototype.changed = function (query) {
    var self = this;
    if (!this.index) {
      this.say("Loading the filters…");
      this.form.setAttribute("aria-busy", "true");
    }
    this.load().then(function () {
      if (query) { // a link's lists: their options exist now
        FACETS.forEach(function (facet) {
          var value = query.get(facet) || "";
          self.form.elements[facet].value = value in self.index.codes[facet] ? value : "";
        });
      }
      self.apply(!query);
    }).catch(function () {});
  };

  // Which developments match, and for every option how many would match with it chosen
  // and the other filters as they are (faceted counts).
  Filters.prototype.tally = function (state) {
    var index = this.index, data = index.data, n = index.n;
    var counts = {
      status: new Int32Array(data.statuses.length), actor: new Int32Array(data.actors.length),
      place: new Int32Array(data.places.length), tag: new Int32Array(data.tags.length),
    };
    var matches = [], statuses = state.statuses, a = state.actor, p = state.place, t = state.tag;
    var add = function (codes, into) { for (var k = 0; k < codes.length; k++) into[codes[k]]++; };
    for (var i = 0; i < n; i++) {
      var ms = !statuses || statuses[index.status[i]] === true;
      var ma = a < 0 || data.actor[i].indexOf(a) >= 0;
      var mp = p < 0 || data.place[i].indexOf(p) >= 0;
      var mt = t < 0 || data.tag[i].indexOf(t) >= 0;
      var md = index.day[i] >= state.from && index.day[i] <= state.to;
      if (ma && mp && mt && md) counts.status[index.status[i]]++;
      if (ms && mp && mt && md) add(data.actor[i], counts.actor);
      if (ms && ma && mt && md) add(data.place[i], counts.place);
      if (ms && ma && mp && md) add(data.tag[i], counts.tag);
      if (ms && ma && mp && mt && md) matches.push(i);
    }
    return { counts: counts, matches: matches };
  };

  // The results first, then (after they are painted) the counts beside every option;
  // the form is aria-busy until its counts are those of the results shown.
  Filters.prototype.apply = function (writeURL) {
    var self = this, state = this.state(), found = this.tally(state), turn = ++this.turn;
    this.form.setAttribute("aria-busy", "true");
    if (writeURL) this.writeURL(state);
    this.show(state, found.matches);
    window.requestAnimationFrame(function () {
      window.setTimeout(function () {
        if (turn !== self.turn) return; // a newer change is on its way
        self.counts(state, found.counts);
        self.form.removeAttribute("aria-busy");
      }, 0);
    });
  };

  Filters.prototype.counts = function (state, counts) {
    var index = this.index;
    this.form.querySelectorAll("input[name=status]").forEach(function (box) {
      var n = counts.status[index.statusCode[box.value]] || 0;
      var label = box.parentNode.querySelector(".bf-filters__n");
      if (label) label.textContent = "(" + num(n) + ")";
    });
    FACETS.forEach(function (facet) {
      var entries = index.data[facet + "s"], chosen = state[facet], shown = index.shown[facet];
      index.options[facet].forEach(function (option, code) {
        var n = counts[facet][code];
        if (shown[code] !== n) { // rewriting only what changed keeps long lists quick
          shown[code] = n;
          option.textContent = entries[code][1] + " (" + num(n) + ")";
        }
        option.disabled = n === 0 && code !== chosen;
      });
    });
  };

  Filters.prototype.writeURL = function (state) {
    var query = new URLSearchParams(window.location.search);
    KEYS.forEach(function (key) { query.delete(key); });
    state.status.forEach(function (value) { query.append("status", value); });
    FACETS.forEach(function (facet) {
      if (state[facet + "Id"]) query.set(facet, state[facet + "Id"]);
    });
    if (state.from > -Infinity) query.set("from", state.fromValue);
    if (state.to < Infinity) query.set("to", state.toValue);
    var text = query.toString();
    var url = window.location.pathname + (text ? "?" + text : "") + window.location.hash;
    try { window.history.replaceState(window.history.state, "", url); } catch (e) { /* file:// */ }
  };

  Filters.prototype.say = function (text) { if (this.count) this.count.textContent = text; };

  // The static timeline: everything after the results in the page (the chart, the pager,
  // the days) and the page's table of contents (its days); hidden while filters narrow
  // the list.
  Filters.prototype.staticTimeline = function (hide) {
    for (var node = this.results.nextElementSibling; node; node = node.nextElementSibling) {
      node.classList.toggle("bf-filtered-out", hide);
    }
    document.body.classList.toggle("bf-filtering", hide); // its table of contents too
  };

  Filters.prototype.show = function (state, matches) {
    var total = this.index.n;
    this.matches = matches;
    this.shown = 0;
    this.lastDay = null;
    this.results.replaceChildren();
    if (!state.active) {
      this.results.hidden = true;
      this.staticTimeline(false);
      this.say(total === 1 ? "The one development is listed below."
        : "All " + plural(total, "development", "developments") + " are listed below.");
      return;
    }
    this.staticTimeline(true);
    this.results.hidden = false;
    this.say(num(matches.length) + " of " + plural(total, "development", "developments"));
    if (!matches.length) {
      this.results.append(el("p", "bf-filters__none", "No development matches these filters."));
      return;
    }
    this.list = el("div", "bf-filters__list");
    this.more = el("button", "md-button bf-filters__more");
    this.more.type = "button";
    var self = this;
    this.more.addEventListener("click", function () { self.page(); });
    this.results.append(this.list, this.more);
    this.page();
  };

  Filters.prototype.page = function () {
    var index = this.index, data = index.data;
    var end = Math.min(this.shown + PAGE, this.matches.length);
    var fragment = document.createDocumentFragment();
    for (var k = this.shown; k < end; k++) {
      var i = this.matches[k], day = index.day[i];
      if (day !== this.lastDay) {
        fragment.append(el("h2", "bf-filters__day", humanDay(day)));
        this.ul = el("ul", "bf-filters__items");
        fragment.append(this.ul);
        this.lastDay = day;
      }
      this.ul.append(this.item(i, data));
    }
    this.list.append(fragment);
    this.shown = end;
    var left = this.matches.length - end;
    this.more.hidden = left === 0;
    this.more.textContent =
      "Show " + Math.min(PAGE, left) + " more (" + num(left) + " not shown yet)";
  };

  Filters.prototype.item = function (i, data) {
    var li = el("li"), strong = el("strong"), id = data.id[i], title = data.title[i];
    if (SLUG.test(id)) {
      var a = el("a", "", title);
      a.href = this.index.link.before + id + this.index.link.after;
      strong.append(a);
    } else {
      strong.textContent = title;
    }
    var status = String(data.statuses[data.status[i]] || "");
    var badge = el("span", "bf-badge bf-status-" + status.replace(/[^a-z0-9-]/g, ""), status);
    badge.title = "status";
    li.append(strong, " ", badge);
    var when = dateLabel(this.index.day[i], data.precision[i]);
    if (when) li.append(" · " + when);
    return li;
  };

  function start() {
    var form = document.querySelector("form.bf-filters");
    if (!form || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    new Filters(form).start();
  }

  // The script runs at the end of the page, after the form: start at once, so that a link
  // with filters starts loading the index without waiting for the rest of the page.
  start();
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start); // Material's instant navigation: every new page
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
