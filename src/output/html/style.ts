/**
 * The report pages' stylesheet (scan report and diff report), inlined into each page: no font, image or sheet is
 * ever loaded from anywhere. System fonts only; colours carry meaning only together with a word (print in black and
 * white stays readable); print rules drop the controls and keep cards whole.
 */
export const REPORT_CSS = String.raw`
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dde5;--bg:#f6f7f9;--card:#fff;--accent:#1f5fbf;
--critical:#8e1020;--high:#d0342c;--medium:#d98a00;--low:#2f7fb5;--info:#7b8494;--ok:#2e8540;--warn:#d98a00;--bad:#d0342c;--none:#aab1bd}
*{box-sizing:border-box}
html{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0}
header.top{background:#17324d;color:#fff;padding:14px 24px}
header.top h1{margin:0;font-size:20px;font-weight:600}
header.top .sub{color:#c9d6e6;margin-top:2px}
nav.toc{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:6px 24px;display:flex;gap:18px;flex-wrap:wrap}
nav.toc a{color:var(--accent);text-decoration:none}
main{padding:16px 24px;max-width:1500px}
section{margin-bottom:26px;scroll-margin-top:40px}
h2{font-size:17px;margin:0 0 10px;font-weight:600}
h3{font-size:14px;margin:0 0 8px;font-weight:600}
.muted{color:var(--muted)}
.mono,code,pre{font-family:ui-monospace,SFMono-Regular,Consolas,"Liberation Mono",Menlo,monospace;font-size:12.5px}
pre{white-space:pre-wrap;word-break:break-all;margin:2px 0;background:#f1f3f6;padding:4px 6px;border-radius:3px}
table.kv{border-collapse:collapse}
table.kv th{text-align:left;font-weight:500;color:var(--muted);padding:2px 14px 2px 0;vertical-align:top;white-space:nowrap}
table.kv td{padding:2px 0;vertical-align:top;word-break:break-word}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:12px 14px;break-inside:avoid}
.card.wide{grid-column:1/-1}
.bars{display:grid;grid-template-columns:minmax(90px,max-content) 1fr minmax(36px,max-content);gap:3px 8px;align-items:center}
.bars .lbl{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:260px}
.bars .val{text-align:right;font-variant-numeric:tabular-nums}
.track{background:#eef0f4;height:14px;border-radius:2px;display:flex;overflow:hidden}
.seg{height:100%}
.clickable{cursor:pointer}
.clickable:hover .lbl{text-decoration:underline}
.stack{display:flex;height:22px;border-radius:3px;overflow:hidden;margin:4px 0 8px}
.legend{display:flex;gap:12px;flex-wrap:wrap;font-size:12.5px}
.legend i.sw{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px;border-radius:2px}
.c-ok{background:var(--ok)} .c-unreachable{background:var(--none)} .c-not_rdp{background:var(--warn)} .c-error{background:var(--bad)}
.c-critical{background:var(--critical)} .c-high{background:var(--high)} .c-medium{background:var(--medium)} .c-low{background:var(--low)} .c-info{background:var(--info)}
.c-good{background:var(--ok)} .c-bad{background:var(--bad)} .c-warn{background:var(--warn)} .c-none{background:var(--none)}
.c-strong{background:var(--ok)} .c-acceptable{background:#7fb069} .c-weak{background:var(--warn)} .c-insecure{background:var(--bad)}
.c-regression{background:var(--bad)} .c-improvement{background:var(--ok)} .c-neutral{background:var(--none)}
.sev{display:inline-block;min-width:64px;text-align:center;color:#fff;border-radius:3px;padding:0 5px;font-size:11.5px;font-weight:600;text-transform:uppercase}
.tag{display:inline-block;border-radius:3px;padding:0 5px;font-size:12px;border:1px solid var(--line);background:#fff}
.t-good{color:var(--ok)} .t-bad{color:var(--bad)} .t-warn{color:#9a6200} .t-none{color:var(--muted)}
.controls{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.controls input[type=search]{width:280px}
input,select,button{font:inherit}
input[type=search],input.colf{padding:3px 6px;border:1px solid #c3c8d2;border-radius:3px;width:100%}
button{padding:3px 10px;border:1px solid #b8bfcc;background:#fff;border-radius:3px;cursor:pointer}
button:disabled{opacity:.5;cursor:default}
table.hosts{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}
table.hosts th,table.hosts td{padding:4px 8px;border-bottom:1px solid #eceef2;text-align:left;vertical-align:top}
table.hosts thead th{background:#eef1f5;position:sticky;top:33px;z-index:2}
table.hosts thead tr.filters th{top:62px;background:#f5f6f8;padding:3px 4px}
table.hosts th.sortable{cursor:pointer;user-select:none;white-space:nowrap}
table.hosts th.sorted-asc::after{content:" \25B2";font-size:10px}
table.hosts th.sorted-desc::after{content:" \25BC";font-size:10px}
table.hosts tbody tr{cursor:pointer}
table.hosts tbody tr:hover{background:#f3f7fd}
table.hosts tbody tr.selected{background:#e3edfb}
table.hosts td.num{text-align:right;font-variant-numeric:tabular-nums}
#host-table td:not(:last-child){white-space:nowrap}
.pager{display:flex;gap:8px;align-items:center;margin-top:8px}
#detail .card{margin-bottom:10px}
.finding{border-left:4px solid var(--info);padding:6px 10px;margin:8px 0;background:#fafbfc}
.finding.s-critical{border-color:var(--critical)} .finding.s-high{border-color:var(--high)} .finding.s-medium{border-color:var(--medium)} .finding.s-low{border-color:var(--low)}
.finding h4{margin:0 0 4px;font-size:14px}
.finding ul,.finding ol{margin:2px 0 6px 18px;padding:0}
.ref{margin:10px 0}
details>summary{cursor:pointer}
.sub-h{font-weight:600;margin-top:6px}
svg text{font-size:10px;fill:var(--muted)}
.card svg{max-height:160px}
.empty{color:var(--muted);font-style:italic}
.banner{padding:8px 12px;border-radius:4px;margin:8px 0;background:#fff4d6;border:1px solid #f0d58a}
@media print{
  html{background:#fff;font-size:11px}
  nav.toc,.controls,.pager,button,tr.filters,.noprint{display:none!important}
  header.top{background:#fff;color:#000;border-bottom:2px solid #000;padding:6px 0}
  header.top .sub{color:#333}
  main{padding:0;max-width:none}
  .card{border-color:#999}
  table.hosts thead th{position:static}
  section{break-inside:auto}
  .grid{grid-template-columns:repeat(2,1fr)}
  .track,.seg,.sev,.stack,.legend i.sw{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`;
