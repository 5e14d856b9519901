/**
 * The diff report's page (`rdprobe diff a b -f html`): skeleton and program, in the scan report's style. Reads the
 * ScanDiff embedded as `rdprobe-diff` (with `rdprobe-diff-meta`: the two files, when, rdprobe's version) and shows the
 * counts, the hosts with their regressions and improvements in a sortable, filterable table, and per host every
 * change with its before and after values.
 */
import { COMMON_JS } from './common-app.js';

export const DIFF_BODY = `<header class="top"><h1>rdprobe diff report</h1><div class="sub" id="subtitle"></div></header>
<nav class="toc"><a href="#summary">Summary</a><a href="#hosts">Hosts</a><a href="#detail">Host changes</a></nav>
<main>
<section id="summary"><h2>Summary</h2><div class="grid" id="summary-body"></div></section>
<section id="hosts"><h2>Hosts with changes</h2><div id="hosts-body"></div></section>
<section id="detail" hidden><h2>Host changes</h2><div id="detail-body"></div></section>
</main>`;

const APP = String.raw`
(function () {
  var h = RD.h, kv = RD.kv, card = RD.card;
  var D = RD.readJson('rdprobe-diff') || { summary: {}, hosts: [], unchanged: [], warnings: [] };
  var M = RD.readJson('rdprobe-diff-meta') || {};
  var s = D.summary || {};
  document.getElementById('subtitle').textContent = (M.before || 'BEFORE') + ' \u2192 ' + (M.after || 'AFTER') + ' \u00b7 ' +
    RD.plural(s.regressions || 0, 'regression') + ', ' + RD.plural(s.improvements || 0, 'improvement') + ' \u00b7 rdprobe ' + (M.version || '?');
  var table = null;
  function filterTo(col, value) { return function () { table.setFilter(col, value); document.getElementById('hosts').scrollIntoView(); }; }
  function valueText(v) {
    if (v === null || v === undefined) return 'null';
    if (Array.isArray(v)) return '[' + v.join(', ') + ']';
    return String(v);
  }

  (function summary() {
    var box = document.getElementById('summary-body');
    var c1 = card('Scans compared', kv([
      ['before', (M.before || '') + ' (' + RD.plural(s.hosts_before || 0, 'host') + ')'],
      ['after', (M.after || '') + ' (' + RD.plural(s.hosts_after || 0, 'host') + ')'],
      ['compared', String(s.compared || 0)],
      ['changed', String(s.changed || 0)],
      ['unchanged', String(s.unchanged || 0)],
      ['appeared', String(s.appeared || 0)],
      ['disappeared', String(s.disappeared || 0)],
      ['generated', RD.when(M.generated_at)],
    ]));
    c1.id = 'diff-counts';
    box.appendChild(c1);
    var kinds = [
      { label: 'regressions', value: s.regressions || 0, cls: 'c-regression' },
      { label: 'improvements', value: s.improvements || 0, cls: 'c-improvement' },
      { label: 'neutral', value: s.neutral || 0, cls: 'c-neutral' },
    ];
    var hostsBy = { regression: 0, improvement: 0, neutral: 0 };
    (D.hosts || []).forEach(function (x) { hostsBy[x.regressions ? 'regression' : x.improvements ? 'improvement' : 'neutral']++; });
    var c2 = card('Changes', [RD.stack(kinds), RD.bars(kinds, null), h('div', { class: 'sub-h' }, 'hosts by their worst change'), RD.bars([
      { label: 'with regressions', value: hostsBy.regression, cls: 'c-regression', onclick: filterTo('regressions', '>0') },
      { label: 'improved only', value: hostsBy.improvement, cls: 'c-improvement', onclick: filterTo('kind', 'improvement') },
      { label: 'neutral only', value: hostsBy.neutral, cls: 'c-neutral', onclick: filterTo('kind', 'neutral') },
    ], null)]);
    c2.id = 'diff-kinds';
    box.appendChild(c2);
    // Which fields regressed most across the fleet (findings[...] and tls.versions[...] keep their key).
    var byField = {};
    (D.hosts || []).forEach(function (x) { x.changes.forEach(function (c) { if (c.kind === 'regression') byField[c.field] = (byField[c.field] || 0) + 1; }); });
    var fields = Object.keys(byField).sort(function (a, b) { return byField[b] - byField[a] || (a < b ? -1 : 1); }).slice(0, 15);
    var c3 = card('What regressed (hosts per field)', fields.length ? RD.bars(fields.map(function (f) { return { label: f, value: byField[f], cls: 'c-regression', onclick: filterTo('changes', f) }; }), null) : h('div', { class: 'empty' }, 'no regression'));
    c3.id = 'diff-fields';
    box.appendChild(c3);
    if ((D.warnings || []).length) box.appendChild(card('Warnings', h('ul', null, D.warnings.map(function (w) { return h('li', null, w); })), true));
    if ((D.unchanged || []).length) box.appendChild(card('Unchanged hosts (' + D.unchanged.length + ')', h('details', null, [h('summary', null, 'show'), h('div', { class: 'mono' }, D.unchanged.join(', '))]), true));
  })();

  var rows = (D.hosts || []).map(function (x, i) {
    return { i: i, key: x.key, before_key: x.before_key, presence: x.presence, regressions: x.regressions, improvements: x.improvements, neutral: x.neutral,
      kind: x.regressions ? 'regression' : x.improvements ? 'improvement' : 'neutral',
      fields: x.changes.map(function (c) { return c.field; }).join(' '),
      first: (x.changes[0] || {}).message || '' };
  });
  table = new RD.Table({
    id: 'diff-table',
    rows: rows,
    columns: [
      { id: 'host', title: 'Host', text: function (r) { return r.key + (r.before_key ? ' (was ' + r.before_key + ')' : ''); }, key: function (r) { return r.key; }, cell: function (r) { return h('span', { class: 'mono' }, r.key + (r.before_key ? ' (was ' + r.before_key + ')' : '')); } },
      { id: 'presence', title: 'Presence', text: function (r) { return r.presence; }, key: function (r) { return r.presence; } },
      { id: 'kind', title: 'Worst', text: function (r) { return r.kind; }, key: function (r) { return r.kind === 'regression' ? 0 : r.kind === 'improvement' ? 1 : 2; }, cell: function (r) { return h('span', { class: 'sev c-' + r.kind }, r.kind); } },
      { id: 'regressions', title: 'Regressions', num: true, text: function (r) { return String(r.regressions); }, key: function (r) { return r.regressions; } },
      { id: 'improvements', title: 'Improvements', num: true, text: function (r) { return String(r.improvements); }, key: function (r) { return r.improvements; } },
      { id: 'neutral', title: 'Neutral', num: true, text: function (r) { return String(r.neutral); }, key: function (r) { return r.neutral; } },
      { id: 'changes', title: 'Changes', text: function (r) { return r.fields + ' ' + r.first; }, cell: function (r) { return r.first; } },
    ],
    onOpen: function (r) { openHost(r.i); },
  });
  document.getElementById('hosts-body').appendChild(table.element);

  function openHost(i) {
    var x = D.hosts[i];
    var sec = document.getElementById('detail');
    var body = RD.clear(document.getElementById('detail-body'));
    sec.hidden = false;
    var t = h('table', { class: 'hosts', id: 'change-table' }, h('thead', null, h('tr', null, ['', 'field', 'before', 'after', 'what changed'].map(function (c) { return h('th', null, c); }))));
    var tb = h('tbody');
    x.changes.forEach(function (c) {
      tb.appendChild(h('tr', { 'data-kind': c.kind }, [
        h('td', null, h('span', { class: 'sev c-' + c.kind }, c.kind)),
        h('td', { class: 'mono' }, c.field),
        h('td', { class: 'mono' }, x.presence === 'both' ? valueText(c.before) : ''),
        h('td', { class: 'mono' }, x.presence === 'both' ? valueText(c.after) : ''),
        h('td', null, c.message),
      ]));
    });
    t.appendChild(tb);
    body.appendChild(card(x.key + (x.before_key ? ' (was ' + x.before_key + ', matched by address)' : '') + ': ' + RD.plural(x.regressions, 'regression') + ', ' + RD.plural(x.improvements, 'improvement') + ', ' + x.neutral + ' neutral', t, true));
    history.replaceState(null, '', '#host=' + encodeURIComponent(x.key));
    sec.scrollIntoView();
  }
  var m = /^#host=(.+)$/.exec(location.hash);
  if (m) {
    var key = decodeURIComponent(m[1]);
    for (var i = 0; i < D.hosts.length; i++) if (D.hosts[i].key === key) { openHost(i); break; }
  }
  document.documentElement.setAttribute('data-ready', 'true');
})();
`;

export const DIFF_APP_JS = `${COMMON_JS}\n${APP}`;
