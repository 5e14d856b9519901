/**
 * The scan report's page: its static skeleton (REPORT_BODY, rdprobe's own markup, no data) and its program
 * (REPORT_APP_JS), which reads the embedded JSON (see ../html.ts) and builds everything with DOM APIs: header,
 * what was scanned and what was not measured, the overview pictures, the host table, a host's detail view with the
 * catalog's causes, events, checks and fix per finding, and the findings reference (each id once).
 *
 * Record fields are read defensively: fields added by schema 3 (cipher suites, clients, auth, certificate chain)
 * are shown when a record has them and skipped silently when it does not.
 */
import { COMMON_JS } from './common-app.js';

export const REPORT_BODY = `<header class="top"><h1 id="title">rdprobe scan report</h1><div class="sub" id="subtitle"></div></header>
<nav class="toc"><a href="#scan">Scan</a><a href="#overview">Overview</a><a href="#hosts">Hosts</a><a href="#detail">Host detail</a><a href="#reference">Findings reference</a></nav>
<main>
<section id="scan"><h2>What was scanned</h2><div id="scan-body"></div></section>
<section id="overview"><h2>Overview</h2><div class="grid" id="overview-body"></div></section>
<section id="hosts"><h2>Hosts</h2><div id="hosts-body"></div></section>
<section id="detail" hidden><h2>Host detail</h2><div id="detail-body"></div></section>
<section id="reference"><h2>Findings reference</h2><p class="muted">What each finding means on the server, the events to look for (with the wevtutil query), the checks to run and the fix. <code>rdprobe explain ID</code> prints the same.</p><div id="reference-body"></div></section>
</main>`;

const APP = String.raw`
(function () {
  var h = RD.h, show = RD.show, kv = RD.kv, card = RD.card;
  var R = RD.readJson('rdprobe-report') || {};
  var items = RD.readJson('rdprobe-hosts') || [];
  var shared = [], resolved = [], hosts = [];
  items.forEach(function (it) {
    if (it[0] === 0) shared.push(it[1]);
    else {
      var f = resolve(it[1]);
      if (f.label === undefined) f.label = f.key;
      hosts.push({ f: f, rec: it[2], i: hosts.length });
    }
  });
  items = null;
  function resolve(v) {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(resolve);
    if (typeof v.$ref === 'number' && Object.keys(v).length === 1) {
      var n = v.$ref;
      if (!(n in resolved)) resolved[n] = resolve(shared[n]);
      return resolved[n];
    }
    var out = {};
    Object.keys(v).forEach(function (k) { out[k] = resolve(v[k]); });
    return out;
  }
  function record(host) { return host.r || (host.r = resolve(host.rec)); }

  var meta = R.meta || {};
  var ov = R.overview || {};
  var catalog = R.catalog || {};
  // The scan's gate, when it had one: {hosts, failing}; each host's row then says whether it fails and with what.
  var gate = R.gate || null;
  var SEVS = (R.severities || ['info', 'low', 'medium', 'high', 'critical']).slice().reverse();
  var VERSION_RANK = { 'ssl2.0': 0, 'ssl3.0': 1, 'tls1.0': 2, 'tls1.1': 3, 'tls1.2': 4, 'tls1.3': 5 };
  var STRENGTH_RANK = { insecure: 0, weak: 1, acceptable: 2, strong: 3 };
  var table = null;

  function versionLabel(k) {
    if (!k) return k;
    return k.indexOf('tls') === 0 ? 'TLS ' + k.slice(3) : k.indexOf('ssl') === 0 ? 'SSL ' + k.slice(3) : k;
  }
  function versionClass(k) { return /^(tls1\.2|tls1\.3)$/.test(k) ? 'c-good' : 'c-bad'; }
  function filterTo(col, value) {
    return function () {
      table.setFilter(col, value);
      document.getElementById('hosts').scrollIntoView();
    };
  }

  // ------------------------------------------------------------------ header and scope
  (function header() {
    var s = [RD.plural(ov.hosts || 0, 'host'), 'started ' + RD.when(meta.started_at), 'finished ' + RD.when(meta.finished_at), 'rdprobe ' + (meta.version || '?')];
    document.getElementById('subtitle').textContent = s.join(' \u00b7 ');
    var body = document.getElementById('scan-body');
    if (meta.interrupted) body.appendChild(h('div', { class: 'banner', id: 'interrupted' }, 'The scan was interrupted: hosts not reached before the stop are missing from this report (rdprobe scan --resume continues it).'));
    var sc = meta.scope || null;
    var pairs = [];
    if (sc) {
      var more = sc.targets_count > sc.targets.length ? ' (and ' + (sc.targets_count - sc.targets.length) + ' more)' : '';
      pairs.push(['Targets', sc.targets.length ? sc.targets.join(', ') + more : 'none on the command line']);
      if (sc.targets_files && sc.targets_files.length) pairs.push(['Targets files', sc.targets_files.join(', ')]);
      pairs.push(['Exclusions', sc.exclude && sc.exclude.length ? sc.exclude.join(', ') : 'none']);
      pairs.push(['Ports', (sc.ports || []).join(', ')]);
      if (sc.shard) pairs.push(['Shard', sc.shard]);
    }
    pairs.push(['Hosts in this report', String(ov.hosts || 0) + (meta.targets_total !== null && meta.targets_total !== undefined ? ' of ' + meta.targets_total + ' targets' : '')]);
    pairs.push(['Started', RD.when(meta.started_at)]);
    pairs.push(['Finished', RD.when(meta.finished_at) + (RD.duration(meta.started_at, meta.finished_at) ? ' (' + RD.duration(meta.started_at, meta.finished_at) + ')' : '')]);
    pairs.push(['Completed', meta.interrupted ? 'no: interrupted' : 'yes']);
    if (sc) {
      pairs.push(['Options', Object.keys(sc.options || {}).map(function (k) { return k + '=' + show(sc.options[k]); }).join(', ')]);
      pairs.push(['Gate', [sc.policy_file ? 'policy ' + sc.policy_file : null, sc.fail_on ? '--fail-on ' + sc.fail_on : null, sc.baseline ? 'baseline ' + sc.baseline : null].filter(Boolean).join(', ') || 'none']);
      if (gate) pairs.push(['Gate result', gate.failing
        ? h('a', { id: 'gate-result', href: '#hosts', onclick: filterTo('gate', 'fails') }, gate.failing + ' of ' + RD.plural(gate.hosts, 'host') + ' fail the gate (exit code 1)')
        : h('span', { id: 'gate-result' }, 'every host passes the gate (' + RD.plural(gate.hosts, 'host') + ')')]);
    }
    pairs.push(['rdprobe', (meta.version || '?') + ', record schema ' + meta.schema_version]);
    if (meta.argv) pairs.push(['Command', h('code', null, 'rdprobe ' + meta.argv.join(' '))]);
    body.appendChild(card('Scan', kv(pairs), true));

    // What was not measured: checks switched off, checks cut short per host.
    var nm = [];
    var off = sc && sc.checks_off || [];
    nm.push(['Checks switched off', off.length ? off.map(function (c) { return '--no-' + c.flag + ' (' + c.describe + ')'; }).join('; ') : 'none']);
    var cut = ov.not_measured || { hosts: 0, by_check: {}, sample: [] };
    nm.push(['Hosts with checks cut short', cut.hosts ? String(cut.hosts) : 'none']);
    Object.keys(cut.by_check || {}).forEach(function (check) {
      var reasons = cut.by_check[check];
      nm.push(['  ' + check, Object.keys(reasons).map(function (r) { return r + ' ' + reasons[r]; }).join(', ')]);
    });
    if (cut.sample && cut.sample.length) nm.push(['Hosts', cut.sample.join(', ') + (cut.hosts > cut.sample.length ? ' ...' : '')]);
    var st = ov.status || {};
    nm.push(['Hosts not reached', String((st.unreachable || 0) + (st.not_rdp || 0) + (st.error || 0)) + ' (unreachable ' + (st.unreachable || 0) + ', not RDP ' + (st.not_rdp || 0) + ', error ' + (st.error || 0) + '): nothing past the failed step was measured']);
    var nmCard = card('Not measured', kv(nm), true);
    nmCard.id = 'not-measured';
    body.appendChild(nmCard);
  })();

  // ------------------------------------------------------------------ overview
  (function overview() {
    var box = document.getElementById('overview-body');
    var n = ov.hosts || 0;
    var st = ov.status || {};
    var statusRows = ['ok', 'unreachable', 'not_rdp', 'error'].map(function (k) { return { label: k, value: st[k] || 0, cls: 'c-' + k, onclick: filterTo('status', k) }; });
    var c1 = card('Status', [RD.stack(statusRows), RD.bars(statusRows, n)]);
    c1.id = 'ov-status';
    box.appendChild(c1);

    var pr = ov.protocols || {};
    var protoRows = Object.keys(pr).map(function (k) {
      return { label: k, value: pr[k].yes, cls: k === 'rdp' || k === 'ssl' ? 'c-warn' : 'c-good', title: k + ': selected by ' + pr[k].yes + ', refused by ' + pr[k].no + ', not measured on ' + pr[k].unknown };
    });
    var nla = ov.nla || { yes: 0, no: 0, unknown: 0 };
    var c2 = card('Protocols and NLA', [
      h('div', { class: 'muted' }, 'hosts whose server selected each protocol'),
      RD.bars(protoRows, Math.max(1, (st.ok || 0))),
      h('div', { class: 'sub-h' }, 'Network Level Authentication'),
      RD.bars([
        { label: 'required', value: nla.yes, cls: 'c-good', onclick: filterTo('nla', 'required') },
        { label: 'not required', value: nla.no, cls: 'c-bad', onclick: filterTo('nla', 'not required') },
        { label: 'not measured', value: nla.unknown, cls: 'c-none', onclick: filterTo('nla', 'not measured') },
      ], n),
    ]);
    c2.id = 'ov-protocols';
    box.appendChild(c2);

    var tv = ov.tls_versions || [];
    var ws = ov.weakest_suite || {};
    var anySuites = ['insecure', 'weak', 'acceptable', 'strong'].some(function (k) { return ws[k] > 0; });
    var strengthRows = ['insecure', 'weak', 'acceptable', 'strong', 'not_measured'].filter(function (k) { return k in ws && (anySuites || k === 'not_measured'); }).map(function (k) {
      return { label: k.replace('_', ' '), value: ws[k], cls: k === 'not_measured' ? 'c-none' : 'c-' + k, onclick: filterTo('weakest', k.replace('_', ' ')) };
    });
    var c3 = card('TLS versions and cipher strength', [
      h('div', { class: 'muted' }, 'hosts accepting each version'),
      RD.bars(tv.map(function (v) { return { label: versionLabel(v.version), value: v.accepted, cls: versionClass(v.version), title: v.accepted + ' accept, ' + v.refused + ' refuse, ' + v.unknown + ' not measured' }; }), Math.max(1, tv.reduce(function (m, v) { return Math.max(m, v.accepted + v.refused + v.unknown); }, 0))),
      h('div', { class: 'sub-h' }, 'Weakest accepted cipher suite'),
      RD.bars(strengthRows, null),
      anySuites ? null : h('div', { class: 'muted' }, 'these records have no cipher-suite lists (tls.cipher_suites): not measured'),
    ]);
    c3.id = 'ov-tls';
    box.appendChild(c3);

    var ce = ov.certificates || { expired: 0, soon: 0, later: 0, by_month: {}, soon_days: 30 };
    var c4 = card('Certificate expiry', [
      RD.bars([
        { label: 'expired', value: ce.expired, cls: 'c-bad', onclick: filterTo('cert', 'expired') },
        { label: 'within ' + ce.soon_days + ' days', value: ce.soon, cls: 'c-warn', onclick: filterTo('cert', '<' + ce.soon_days) },
        { label: 'later', value: ce.later, cls: 'c-good', onclick: filterTo('cert', '>=' + ce.soon_days) },
      ], null),
      timeline(ce),
    ]);
    c4.id = 'ov-certs';
    box.appendChild(c4);

    var fs = ov.findings_by_severity || {};
    var hs = ov.hosts_by_max_severity || {};
    var c5 = card('Findings by severity', [
      h('div', { class: 'muted' }, 'hosts by their most severe finding'),
      RD.stack(SEVS.concat(['none']).map(function (s) { return { label: s, value: hs[s] || 0, cls: 'c-' + (s === 'none' ? 'none' : s) }; })),
      h('div', { class: 'muted' }, 'findings per severity'),
      RD.bars(SEVS.map(function (s) { return { label: s, value: fs[s] || 0, cls: 'c-' + s, onclick: filterTo('findings', s) }; }), null),
    ]);
    c5.id = 'ov-severity';
    box.appendChild(c5);

    var ids = ov.findings_by_id || [];
    var c6 = card('Findings by id (hosts)', ids.length ? RD.bars(ids.map(function (f) {
      return { label: f.id, value: f.hosts, cls: 'c-' + f.severity, title: f.severity + ': ' + f.title, onclick: filterTo('findings', f.id) };
    }), n) : h('div', { class: 'empty' }, 'no findings'));
    c6.id = 'ov-ids';
    box.appendChild(c6);

    if (ov.clients && ov.clients.length) {
      var rows = ov.clients.map(function (c) {
        var where = Object.keys(c.fails_at || {}).map(function (s) { return s + ' ' + c.fails_at[s]; }).join(', ');
        return h('div', { class: 'client' }, [
          h('div', null, [h('strong', null, c.name), ' ', h('span', { class: 'muted' }, c.id)]),
          RD.stack([{ label: 'connects', value: c.connects, cls: 'c-good' }, { label: 'locked out', value: c.locked_out, cls: 'c-bad' }, { label: 'unknown', value: c.unknown, cls: 'c-none' }]),
          c.locked_out ? h('div', { class: 'muted' }, 'fails at: ' + where + '; ' + c.locked_hosts.join(', ') + (c.locked_out > c.locked_hosts.length ? ' ...' : '')) : null,
        ]);
      });
      var c7 = card('Client compatibility: who is locked out where', rows, true);
      c7.id = 'ov-clients';
      box.appendChild(c7);
    }

    var dups = ov.duplicates || [];
    var c8 = card('Duplicate certificates and names', dups.length ? dups.map(function (g) {
      return h('div', { class: 'ref' }, [
        h('div', null, [h('strong', null, g.kind === 'cert_duplicate' ? 'Certificate ' : 'NetBIOS name '), h('span', { class: 'mono' }, g.label || g.value), ' on ' + RD.plural(g.total, 'host')]),
        g.kind === 'cert_duplicate' ? h('div', { class: 'mono muted' }, 'SHA1 ' + g.value) : null,
        h('div', { class: 'mono' }, g.members.join(', ') + (g.total > g.members.length ? ' ...' : '')),
      ]);
    }) : h('div', { class: 'empty' }, 'no certificate or NetBIOS name on more than one machine'));
    c8.id = 'ov-duplicates';
    box.appendChild(c8);

    var udp = ov.udp || { answered: 0, silent: 0, not_measured: n };
    if (udp.answered + udp.silent > 0) {
      box.appendChild(card('RDP over UDP', RD.bars([
        { label: 'answers', value: udp.answered, cls: 'c-warn' },
        { label: 'no answer', value: udp.silent, cls: 'c-good' },
        { label: 'not measured', value: udp.not_measured, cls: 'c-none' },
      ], n)));
    }
    if (ov.auth && ov.auth.tested) {
      var res = ov.auth.results || {};
      box.appendChild(card('Authentication and logon', [
        RD.bars(Object.keys(res).map(function (k) { return { label: k, value: res[k], cls: k === 'success' ? 'c-good' : 'c-warn' }; }), ov.auth.tested),
        h('div', { class: 'muted' }, 'logon reached on ' + RD.plural(ov.auth.logon_reached, 'host')),
      ]));
    }
  })();

  /** Certificates by the month they expire: expired, the next 24 months, later. */
  function timeline(ce) {
    var NS = 'http://www.w3.org/2000/svg';
    var start = new Date(meta.started_at || Date.now());
    var months = [];
    for (var i = 0; i < 24; i++) {
      var d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1));
      months.push(d.toISOString().slice(0, 7));
    }
    var byMonth = ce.by_month || {};
    var later = 0;
    Object.keys(byMonth).forEach(function (m) { if (m > months[months.length - 1]) later += byMonth[m]; });
    var buckets = [{ label: 'expired', value: ce.expired, cls: 'c-bad' }].concat(months.map(function (m, i) {
      return { label: m, value: byMonth[m] || 0, cls: i === 0 ? 'c-warn' : 'c-good' };
    }), [{ label: 'later', value: later, cls: 'c-good' }]);
    var max = buckets.reduce(function (m, b) { return Math.max(m, b.value); }, 0) || 1;
    var W = 26 * 12, H = 90;
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + (H + 26));
    svg.setAttribute('width', '100%');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'certificates by expiry month');
    buckets.forEach(function (b, i) {
      var bh = b.value ? Math.max(2, H * b.value / max) : 0;
      var r = document.createElementNS(NS, 'rect');
      r.setAttribute('x', String(i * 12 + 1));
      r.setAttribute('y', String(H - bh));
      r.setAttribute('width', '10');
      r.setAttribute('height', String(bh));
      r.setAttribute('fill', b.cls === 'c-bad' ? '#d0342c' : b.cls === 'c-warn' ? '#d98a00' : '#2e8540');
      var t = document.createElementNS(NS, 'title');
      t.textContent = b.label + ': ' + b.value;
      r.appendChild(t);
      svg.appendChild(r);
    });
    [[0, 'expired', 'start'], [7, months[6], 'middle'], [19, months[18], 'middle'], [26, 'later', 'end']].forEach(function (l) {
      var tx = document.createElementNS(NS, 'text');
      tx.setAttribute('x', String(l[0] * 12));
      tx.setAttribute('text-anchor', l[2]);
      tx.setAttribute('y', String(H + 12));
      tx.textContent = l[1];
      svg.appendChild(tx);
    });
    return h('div', null, [h('div', { class: 'muted' }, 'expiry by month (bars: expired, the next 24 months, later)'), svg]);
  }

  // ------------------------------------------------------------------ host table
  function nlaText(v) { return v === true ? 'required' : v === false ? 'not required' : 'not measured'; }
  function tlsText(f, k) {
    var v = f[k];
    return v ? versionLabel(v) : f.tls_measured ? 'none' : 'not measured';
  }
  function weakestText(f) { return f.weakest ? f.weakest.strength + ': ' + f.weakest.name : 'not measured'; }
  function certText(f) {
    if (f.cert_days === null || f.cert_days === undefined) return 'no certificate';
    if (f.cert_expired) return 'expired ' + Math.abs(f.cert_days) + ' d ago';
    return String(f.cert_not_after).slice(0, 10) + ' (' + f.cert_days + ' d)';
  }
  function findingsText(f) {
    return f.findings === 0 ? '0 none' : f.findings + ' ' + f.max_severity + ' ' + (f.finding_ids || []).join(' ');
  }
  var rows = hosts.map(function (x) { return x.f; });
  /** A gated scan's table has a Gate column before Findings: "fails" or "passes" per host. */
  function withGate(cols) {
    if (!gate) return cols;
    cols.splice(cols.length - 1, 0, { id: 'gate', title: 'Gate', text: function (f) { return f.gate || ''; }, key: function (f) { return f.gate === 'fails' ? 0 : 1; },
      cell: function (f) { return f.gate === 'fails' ? h('span', { class: 'sev c-critical' }, 'fails') : h('span', { class: 'muted' }, f.gate || ''); } });
    return cols;
  }
  table = new RD.Table({
    id: 'host-table',
    rows: rows,
    columns: withGate([
      { id: 'address', title: 'Address', text: function (f) { return f.label; }, cell: function (f) { return h('span', { class: 'mono' }, f.label); } },
      { id: 'status', title: 'Status', text: function (f) { return f.status; }, key: function (f) { return f.status; } },
      { id: 'nla', title: 'NLA', text: function (f) { return nlaText(f.nla); }, key: function (f) { return f.nla === true ? 0 : f.nla === false ? 1 : null; } },
      { id: 'tls_min', title: 'TLS min', text: function (f) { return tlsText(f, 'tls_min'); }, key: function (f) { return f.tls_min ? VERSION_RANK[f.tls_min] : null; } },
      { id: 'tls_max', title: 'TLS max', text: function (f) { return tlsText(f, 'tls_max'); }, key: function (f) { return f.tls_max ? VERSION_RANK[f.tls_max] : null; } },
      { id: 'weakest', title: 'Weakest suite', text: weakestText, key: function (f) { return f.weakest ? STRENGTH_RANK[f.weakest.strength] : null; } },
      { id: 'cert', title: 'Cert expiry', num: true, text: certText, key: function (f) { return f.cert_days === null || f.cert_days === undefined ? null : f.cert_days; } },
      { id: 'findings', title: 'Findings', text: findingsText, key: function (f) { return f.max_severity ? -(SEVS.length - SEVS.indexOf(f.max_severity)) * 100000 - f.findings : 0; },
        cell: function (f) {
          if (!f.findings) return h('span', { class: 'muted' }, 'none');
          return [RD.sevBadge(f.max_severity), ' ', h('strong', null, String(f.findings)), ' ', h('span', { class: 'mono' }, f.top ? f.top.id : ''), f.findings > 1 ? h('span', { class: 'muted' }, ' +' + (f.findings - 1)) : null];
        } },
    ]),
    onOpen: function (f, i) { openHost(i); },
  });
  document.getElementById('hosts-body').appendChild(table.element);

  // ------------------------------------------------------------------ host detail
  function checkFor(cmd, rec) {
    // As diagnosis/findings.ts does for --explain-inline: <host> is the scanned name, 3389 the scanned port.
    var c = cmd.split('<host>').join(rec.host);
    return rec.port === 3389 ? c : c.replace(/\b3389\b/g, String(rec.port));
  }
  function findingView(f, rec, gateIds) {
    var e = catalog[f.id] || null;
    var failsGate = gateIds && gateIds.indexOf(f.id) >= 0;
    var causes = Object.keys(f.causes || {}).map(function (id) {
      var text = e ? (e.causes.filter(function (c) { return c.id === id; })[0] || {}).text : null;
      return h('li', null, [h('span', { class: 'tag' }, f.causes[id]), ' ', text || id]);
    });
    return h('div', { class: 'finding s-' + f.severity, 'data-finding': f.id }, [
      h('h4', null, [RD.sevBadge(f.severity), ' ', h('span', { class: 'mono' }, f.id), ' ', e ? e.title : f.title, failsGate ? [' ', h('span', { class: 'sev c-critical gate-fail' }, 'fails the gate')] : null]),
      e ? h('div', null, e.summary) : null,
      f.evidence && f.evidence.length ? [h('div', { class: 'sub-h' }, 'Evidence'), h('ul', null, f.evidence.map(function (x) { return h('li', { class: 'mono' }, x); }))] : null,
      causes.length ? [h('div', { class: 'sub-h' }, 'Causes, most probable first'), h('ol', null, causes)] : null,
      e && e.events.length ? [h('div', { class: 'sub-h' }, 'Server events'), h('ul', null, e.events.map(function (ev) {
        return h('li', null, [h('strong', null, ev.key), ev.log ? ' (' + ev.log + ' log): ' + ev.meaning : '', ev.query ? h('pre', null, ev.query) : null]);
      }))] : null,
      e && e.checks.length ? [h('div', { class: 'sub-h' }, 'Checks'), e.checks.map(function (c) { return h('pre', null, checkFor(c, rec)); })] : null,
      e && e.remediation.length ? [h('div', { class: 'sub-h' }, 'Fix'), h('ol', null, e.remediation.map(function (x) { return h('li', null, x); }))] : null,
    ]);
  }
  function section(title, body) { return card(title, body, true); }
  function protocolsView(p) {
    var t = h('table', { class: 'hosts' }, [h('thead', null, h('tr', null, ['protocol', 'supported', 'answer', 'selected', 'failure code', 'flags', 'detail'].map(function (x) { return h('th', null, x); })))]);
    var tb = h('tbody');
    Object.keys(p).forEach(function (k) {
      var x = p[k] || {};
      tb.appendChild(h('tr', null, [k, show(x.supported), show(x.response), show(x.selected), x.failure_code || '', (x.flags || []).join(' '), x.detail || ''].map(function (c) { return h('td', null, c); })));
    });
    t.appendChild(tb);
    return t;
  }
  function tlsView(tls) {
    var parts = [];
    var vt = h('table', { class: 'hosts' }, [h('thead', null, h('tr', null, ['version', 'accepted', 'cipher', 'refusal'].map(function (x) { return h('th', null, x); })))]);
    var vb = h('tbody');
    var keys = Object.keys(tls.versions || {}).sort(function (a, b) { return (VERSION_RANK[a] || 0) - (VERSION_RANK[b] || 0); });
    keys.forEach(function (k) {
      var a = (tls.attempts || {})[k] || {};
      var ref = a.refusal ? [a.refusal.kind, a.refusal.alert_description, a.refusal.detail].filter(Boolean).join(': ') : '';
      vb.appendChild(h('tr', null, [versionLabel(k), show(tls.versions[k]), a.cipher || '', ref].map(function (c) { return h('td', null, c); })));
    });
    vt.appendChild(vb);
    parts.push(kv([['reached via', tls.via], ['negotiated', tls.negotiated_version], ['cipher', tls.cipher],
      ['server preference', tls.server_preference], ['groups', tls.groups], ['DH bits', tls.dh_bits]].filter(function (p) { return p[1] !== undefined; })));
    parts.push(vt);
    var suites = tls.cipher_suites;
    if (suites && typeof suites === 'object') {
      Object.keys(suites).forEach(function (v) {
        var list = suites[v];
        if (!Array.isArray(list)) return;
        parts.push(h('div', { class: 'sub-h' }, 'Cipher suites, ' + versionLabel(v) + ' (' + list.length + ')'));
        var st = h('table', { class: 'hosts' }, [h('thead', null, h('tr', null, ['id', 'name', 'strength', 'key exchange', 'auth', 'cipher', 'bits', 'PFS'].map(function (x) { return h('th', null, x); })))]);
        var sb = h('tbody');
        list.forEach(function (s) {
          s = s || {};
          sb.appendChild(h('tr', { 'data-strength': s.strength || '' }, [s.id, s.name, s.strength, s.kex, s.auth, s.cipher, s.bits, s.pfs].map(function (c) { return h('td', null, c === undefined || c === null ? '' : show(c)); })));
        });
        st.appendChild(sb);
        parts.push(st);
      });
    }
    return parts;
  }
  function clientsView(cl) {
    var t = h('table', { class: 'hosts' }, [h('thead', null, h('tr', null, ['client', 'connects', 'protocol', 'TLS', 'cipher', 'fails at', 'warnings', 'certainty'].map(function (x) { return h('th', null, x); })))]);
    var tb = h('tbody');
    Object.keys(cl).forEach(function (id) {
      var c = cl[id] || {};
      var fails = c.fails_at ? [c.fails_at.stage, c.fails_at.reason].filter(Boolean).join(': ') : '';
      tb.appendChild(h('tr', null, [c.name || id, c.connects === true ? 'yes' : c.connects === false ? 'no' : 'unknown', c.protocol, c.tls_version, c.cipher, fails, (c.warnings || []).join('; '), c.certainty].map(function (x) { return h('td', null, x === undefined || x === null ? '' : String(x)); })));
    });
    t.appendChild(tb);
    return t;
  }
  var KNOWN = ['schema_version', 'target', 'host', 'address', 'port', 'scanned_at', 'status', 'failure', 'protocols', 'nla_required', 'server_flags', 'tls', 'certificate', 'credssp', 'rdp_security', 'rdp_udp', 'timings_ms', 'connections', 'not_measured', 'findings', 'scan', 'clients', 'auth'];
  function openHost(i) {
    var host = hosts[i];
    if (!host) return;
    var rec = record(host);
    var f = host.f;
    var sec = document.getElementById('detail');
    var body = RD.clear(document.getElementById('detail-body'));
    sec.hidden = false;
    var fail = rec.failure ? rec.failure.stage + ': ' + rec.failure.reason + (rec.failure.detail ? ' (' + rec.failure.detail + ')' : '') : 'none';
    body.appendChild(h('div', { class: 'controls noprint' }, [h('button', { type: 'button', onclick: function () { sec.hidden = true; history.replaceState(null, '', '#hosts'); } }, 'close')]));
    body.appendChild(section(f.label, kv([
      ['target', rec.target], ['host', rec.host], ['address', rec.address], ['port', rec.port], ['status', rec.status],
      ['failure (modern client)', fail], ['scanned at', rec.scanned_at], ['NLA', nlaText(rec.nla_required)],
      ['connections', rec.connections], ['timings (ms)', rec.timings_ms ? Object.keys(rec.timings_ms).map(function (k) { return k + ' ' + rec.timings_ms[k]; }).join(', ') : null],
      ['not measured', rec.not_measured && Object.keys(rec.not_measured).length ? Object.keys(rec.not_measured).map(function (k) { return k + ' (' + rec.not_measured[k] + ')'; }).join(', ') : 'nothing cut short'],
      ['scan', rec.scan ? RD.tree(rec.scan) : 'default options'],
    ])));
    var fl = (rec.findings || []);
    body.appendChild(section('Findings (' + fl.length + ')', fl.length ? fl.map(function (x) { return findingView(x, rec, f.gate_ids || null); }) : h('div', { class: 'empty' }, 'none')));
    if (rec.protocols) body.appendChild(section('Security protocols', protocolsView(rec.protocols)));
    if (rec.tls) body.appendChild(section('TLS', tlsView(rec.tls)));
    if (rec.certificate) {
      var cert = rec.certificate;
      var ck = Object.keys(cert).filter(function (k) { return k !== 'chain'; }).map(function (k) { return [k, RD.tree(cert[k])]; });
      var certBody = [kv(ck)];
      if (Array.isArray(cert.chain)) {
        certBody.push(h('div', { class: 'sub-h' }, 'Chain (' + cert.chain.length + ')'));
        certBody.push(h('ol', null, cert.chain.map(function (c) { return h('li', null, RD.tree(c)); })));
      }
      body.appendChild(section('Certificate', certBody));
    }
    if (rec.credssp) body.appendChild(section('CredSSP and NTLM identity', RD.tree(rec.credssp)));
    if (rec.rdp_security) body.appendChild(section('Standard RDP Security', RD.tree(rec.rdp_security)));
    if (rec.rdp_udp) body.appendChild(section('RDP over UDP', RD.tree(rec.rdp_udp)));
    if (rec.clients && typeof rec.clients === 'object') body.appendChild(section('Client compatibility', clientsView(rec.clients)));
    if (rec.auth && typeof rec.auth === 'object') body.appendChild(section('Authentication and logon', RD.tree(rec.auth)));
    var other = Object.keys(rec).filter(function (k) { return KNOWN.indexOf(k) < 0; });
    if (other.length) body.appendChild(section('Other fields', kv(other.map(function (k) { return [k, RD.tree(rec[k])]; }))));
    history.replaceState(null, '', '#host=' + encodeURIComponent(f.key));
    sec.scrollIntoView();
  }

  // ------------------------------------------------------------------ findings reference
  (function reference() {
    var box = document.getElementById('reference-body');
    var ids = Object.keys(catalog).sort(function (a, b) {
      return SEVS.indexOf(catalog[a].severity) - SEVS.indexOf(catalog[b].severity) || (a < b ? -1 : 1);
    });
    if (!ids.length) box.appendChild(h('div', { class: 'empty' }, 'no findings in this scan'));
    ids.forEach(function (id) {
      var e = catalog[id];
      var c = card([RD.sevBadge(e.severity), ' ', h('span', { class: 'mono' }, id), ' ', e.title], [
        h('p', null, e.summary),
        e.causes.length ? [h('div', { class: 'sub-h' }, 'Causes'), h('ol', null, e.causes.map(function (x) { return h('li', null, [h('span', { class: 'tag' }, x.certainty), ' ', x.text]); }))] : null,
        e.events.length ? [h('div', { class: 'sub-h' }, 'Server events'), h('ul', null, e.events.map(function (ev) { return h('li', null, [h('strong', null, ev.key), ev.log ? ' (' + ev.log + ' log): ' + ev.meaning : '', ev.query ? h('pre', null, ev.query) : null]); }))] : null,
        e.checks.length ? [h('div', { class: 'sub-h' }, 'Checks'), e.checks.map(function (x) { return h('pre', null, x); })] : null,
        e.remediation.length ? [h('div', { class: 'sub-h' }, 'Fix'), h('ol', null, e.remediation.map(function (x) { return h('li', null, x); }))] : null,
        e.references.length ? h('details', null, [h('summary', null, 'References'), h('ul', null, e.references.map(function (x) { return h('li', null, x); }))]) : null,
      ], true);
      c.id = 'ref-' + id;
      c.classList.add('ref');
      box.appendChild(c);
    });
  })();

  var m = /^#host=(.+)$/.exec(location.hash);
  if (m) {
    var key = decodeURIComponent(m[1]);
    for (var i = 0; i < hosts.length; i++) if (hosts[i].f.key === key) { openHost(i); break; }
  }
  document.documentElement.setAttribute('data-ready', 'true');
})();
`;

/** The page's whole program: the shared helpers, then the report. */
export const REPORT_APP_JS = `${COMMON_JS}\n${APP}`;
