/**
 * The part of the pages' program that the scan report and the diff report share: building DOM nodes from data
 * (text nodes only: no string ever becomes markup), bar charts, key/value tables, and the host table with sorting,
 * per-column filters and paging (65,536 rows stay responsive: only one page of rows is in the DOM).
 *
 * Plain ES2017 inside a String.raw template: no backticks and no dollar-brace in the code below.
 */
export const COMMON_JS = String.raw`
'use strict';
var RD = (function () {
  function isNode(x) { return x && typeof x === 'object' && typeof x.nodeType === 'number'; }
  // Text is inert in a text node, but control and bidi characters still change what it looks like ("Trojan
  // Source": U+202E reverses what follows). They are shown as escapes, as the table does (output/escape.ts).
  var UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/g;
  function visible(s) {
    return s.replace(UNSAFE, function (m) {
      var c = m.charCodeAt(m.length - 1);
      var pre = m.length > 1 ? m.slice(0, -1) : '';
      return pre + (c <= 0xff ? '\\x' + ('0' + c.toString(16)).slice(-2) : '\\u' + ('000' + c.toString(16)).slice(-4));
    });
  }
  function add(el, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { for (var i = 0; i < c.length; i++) add(el, c[i]); return; }
    el.appendChild(isNode(c) ? c : document.createTextNode(visible(String(c))));
  }
  /** h('div', {class: 'x'}, children): attributes from rdprobe's own code only; children become text nodes. */
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] === null || attrs[k] === undefined) continue;
      if (k === 'onclick') { el.addEventListener('click', attrs[k]); continue; }
      el.setAttribute(k, String(attrs[k]));
    }
    add(el, children);
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : (many || one + 's')); }
  function pct(n, total) { return total > 0 ? Math.max(n > 0 ? 0.6 : 0, 100 * n / total) : 0; }
  function when(iso) {
    if (!iso) return 'unknown';
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  }
  function duration(a, b) {
    var ms = Date.parse(b) - Date.parse(a);
    if (!isFinite(ms) || ms < 0) return null;
    var s = Math.round(ms / 1000);
    var m = Math.floor(s / 60);
    return m > 0 ? m + ' min ' + (s % 60) + ' s' : (ms < 10000 ? (ms / 1000).toFixed(1) : s) + ' s';
  }
  /** Bars: rows [{label, value, cls, title, onclick}], scaled to total (or the largest value). */
  function bars(rows, total) {
    var max = total || rows.reduce(function (m, r) { return Math.max(m, r.value); }, 0);
    var box = h('div', { class: 'bars' });
    rows.forEach(function (r) {
      var seg = h('div', { class: 'seg ' + (r.cls || 'c-none') });
      seg.style.width = pct(r.value, max) + '%';
      var attrs = r.onclick ? { class: 'lbl clickable', title: r.title || 'show these hosts', onclick: r.onclick, role: 'button', tabindex: '0' } : { class: 'lbl', title: r.title || r.label };
      box.appendChild(h('div', attrs, r.label));
      box.appendChild(h('div', { class: 'track' }, seg));
      box.appendChild(h('div', { class: 'val' }, r.value));
    });
    return box;
  }
  /** One stacked bar with its legend: parts [{label, value, cls}]. */
  function stack(parts) {
    var total = parts.reduce(function (n, p) { return n + p.value; }, 0);
    var bar = h('div', { class: 'stack', role: 'img', 'aria-label': parts.map(function (p) { return p.label + ' ' + p.value; }).join(', ') });
    var legend = h('div', { class: 'legend' });
    parts.forEach(function (p) {
      if (p.value === 0) return;
      var seg = h('div', { class: 'seg ' + p.cls, title: p.label + ': ' + p.value });
      seg.style.width = pct(p.value, total) + '%';
      bar.appendChild(seg);
      legend.appendChild(h('span', null, [h('i', { class: 'sw ' + p.cls }), p.label + ' ' + p.value]));
    });
    return h('div', null, [bar, legend]);
  }
  /** A key/value table: pairs [[label, value]]; null values are left out, nodes kept, the rest shown as text. */
  function kv(pairs) {
    var t = h('table', { class: 'kv' });
    pairs.forEach(function (p) {
      if (p[1] === undefined) return;
      t.appendChild(h('tr', null, [h('th', null, p[0]), h('td', null, isNode(p[1]) ? p[1] : show(p[1]))]));
    });
    return t;
  }
  /** Any record value in words: null is "not measured", arrays joined, objects as JSON text. */
  function show(v) {
    if (v === null || v === undefined) return 'not measured';
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map(function (x) { return typeof x === 'object' ? JSON.stringify(x) : String(x); }).join(', ');
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }
  /** A generic rendering of an object: nested objects become nested tables (for fields this page has no view for). */
  function tree(v) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) && v.every(function (x) { return x === null || typeof x !== 'object'; })) return show(v);
    if (Array.isArray(v)) return h('ol', null, v.map(function (x) { return h('li', null, tree(x)); }));
    return kv(Object.keys(v).map(function (k) { return [k, tree(v[k])]; }));
  }
  function card(title, body, wide) {
    return h('div', { class: 'card' + (wide ? ' wide' : '') }, [h('h3', null, title), body]);
  }
  function sevBadge(s) { return h('span', { class: 'sev c-' + s }, s); }

  /**
   * The host table. columns: [{id, title, text(row) -> string, cell(row) -> node|string (optional), key(row) ->
   * number|string for sorting, num: true for numeric filters (<30, >=1, =0)}]. Filters: one per column (substring of
   * the cell's text, case-insensitive; numeric comparisons on num columns) and one over every column.
   */
  function Table(o) {
    var self = this;
    var rows = o.rows;
    var cols = o.columns;
    var texts = cols.map(function (c) { return rows.map(function (r) { return String(c.text(r)).toLowerCase(); }); });
    var keys = cols.map(function (c) { return rows.map(function (r, i) { return c.key ? c.key(r, i) : i; }); });
    var filters = cols.map(function () { return ''; });
    var search = '';
    var sortCol = -1, sortDir = 1, page = 0, pageSize = o.pageSize || 100, selected = -1;
    var view = rows.map(function (_, i) { return i; });
    var table = h('table', { class: 'hosts', id: o.id });
    var thead = h('thead');
    var headRow = h('tr');
    var filterRow = h('tr', { class: 'filters' });
    var tbody = h('tbody');
    var info = h('span', { class: 'muted', 'data-role': 'count' });
    var prev = h('button', { type: 'button', onclick: function () { page--; render(); } }, 'previous');
    var next = h('button', { type: 'button', onclick: function () { page++; render(); } }, 'next');
    var size = h('select', { 'aria-label': 'rows per page' }, [100, 500, 2000].map(function (n) { return h('option', n === pageSize ? { value: n, selected: 'selected' } : { value: n }, n + ' per page'); }));
    size.addEventListener('change', function () { pageSize = Number(size.value); page = 0; render(); });
    var searchBox = h('input', { type: 'search', placeholder: 'filter every column', 'aria-label': 'filter every column' });
    searchBox.addEventListener('input', function () { search = searchBox.value.trim().toLowerCase(); apply(); });
    var inputs = [];
    cols.forEach(function (c, ci) {
      var th = h('th', { class: 'sortable', 'data-col': c.id, title: 'sort by ' + c.title, scope: 'col' }, c.title);
      th.addEventListener('click', function () { self.sortBy(ci, sortCol === ci ? -sortDir : 1); });
      headRow.appendChild(th);
      var input = h('input', { class: 'colf', type: 'search', 'data-col': c.id, placeholder: c.num ? '<30, >=1' : 'filter', 'aria-label': 'filter ' + c.title });
      input.addEventListener('input', function () { filters[ci] = input.value.trim().toLowerCase(); apply(); });
      inputs.push(input);
      filterRow.appendChild(h('th', null, input));
    });
    thead.appendChild(headRow);
    thead.appendChild(filterRow);
    table.appendChild(thead);
    table.appendChild(tbody);
    this.element = h('div', null, [
      h('div', { class: 'controls' }, [searchBox, info, h('button', { type: 'button', onclick: function () { self.reset(); } }, 'clear filters')]),
      table,
      h('div', { class: 'pager' }, [prev, next, size]),
    ]);

    function matches(ci, i, f) {
      var m = cols[ci].num && /^(<=|>=|<|>|=)\s*(-?\d+(\.\d+)?)$/.exec(f);
      if (m) {
        var k = keys[ci][i];
        if (typeof k !== 'number' || !isFinite(k)) return false;
        var n = Number(m[2]);
        return m[1] === '<' ? k < n : m[1] === '<=' ? k <= n : m[1] === '>' ? k > n : m[1] === '>=' ? k >= n : k === n;
      }
      return texts[ci][i].indexOf(f) >= 0;
    }
    function apply() {
      view = [];
      for (var i = 0; i < rows.length; i++) {
        var ok = true;
        for (var ci = 0; ci < cols.length && ok; ci++) if (filters[ci] && !matches(ci, i, filters[ci])) ok = false;
        if (ok && search) {
          ok = false;
          for (var cj = 0; cj < cols.length && !ok; cj++) if (texts[cj][i].indexOf(search) >= 0) ok = true;
        }
        if (ok) view.push(i);
      }
      sort();
      page = 0;
      render();
    }
    function sort() {
      if (sortCol < 0) { view.sort(function (a, b) { return a - b; }); return; }
      var k = keys[sortCol];
      view.sort(function (a, b) {
        var x = k[a], y = k[b];
        var c = x === y ? 0 : x === null || x === undefined ? 1 : y === null || y === undefined ? -1 : x < y ? -sortDir : sortDir;
        return c || a - b;
      });
    }
    function render() {
      var pages = Math.max(1, Math.ceil(view.length / pageSize));
      page = Math.min(Math.max(page, 0), pages - 1);
      clear(tbody);
      var from = page * pageSize;
      var to = Math.min(view.length, from + pageSize);
      for (var v = from; v < to; v++) {
        var i = view[v];
        var tr = h('tr', { 'data-index': i, tabindex: '0', class: i === selected ? 'selected' : null });
        cols.forEach(function (c) { tr.appendChild(h('td', { class: c.num ? 'num' : null }, c.cell ? c.cell(rows[i]) : c.text(rows[i]))); });
        tbody.appendChild(tr);
      }
      if (view.length === 0) tbody.appendChild(h('tr', null, h('td', { colspan: cols.length, class: 'empty' }, 'no host matches the filters')));
      info.textContent = view.length === rows.length
        ? (view.length ? 'rows ' + (from + 1) + '-' + to + ' of ' + rows.length : 'no rows')
        : (view.length ? 'rows ' + (from + 1) + '-' + to + ' of ' + view.length + ' matching (' + rows.length + ' in all)' : '0 matching (' + rows.length + ' in all)');
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
      Array.prototype.forEach.call(headRow.children, function (th, ci) {
        th.className = 'sortable' + (ci === sortCol ? (sortDir > 0 ? ' sorted-asc' : ' sorted-desc') : '');
        th.setAttribute('aria-sort', ci === sortCol ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
      });
    }
    function open(ev) {
      var tr = ev.target.closest ? ev.target.closest('tr[data-index]') : null;
      if (!tr) return;
      selected = Number(tr.getAttribute('data-index'));
      Array.prototype.forEach.call(tbody.children, function (r) { r.classList.toggle('selected', r === tr); });
      o.onOpen(rows[selected], selected);
    }
    tbody.addEventListener('click', open);
    tbody.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') open(ev); });
    this.sortBy = function (ci, dir) { sortCol = ci; sortDir = dir; sort(); page = 0; render(); };
    this.setFilter = function (colId, value) {
      cols.forEach(function (c, ci) { if (c.id === colId) { filters[ci] = String(value).toLowerCase(); inputs[ci].value = value; } });
      apply();
    };
    this.reset = function () {
      filters = cols.map(function () { return ''; });
      inputs.forEach(function (i) { i.value = ''; });
      search = ''; searchBox.value = ''; sortCol = -1; sortDir = 1;
      apply();
    };
    this.count = function () { return view.length; };
    render();
  }
  return { h: h, visible: visible, clear: clear, readJson: readJson, plural: plural, when: when, duration: duration, bars: bars, stack: stack,
    kv: kv, show: show, tree: tree, card: card, sevBadge: sevBadge, Table: Table };
})();
`;
