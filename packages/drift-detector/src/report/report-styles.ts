/**
 * The report's only stylesheet. Colours are the Okabe–Ito palette (Okabe & Ito, "Color Universal
 * Design", 2008): blue for the reference, orange for the current data, vermillion/bluish green for
 * the verdict. Solid vs hatched bars and words on every badge keep it readable in greyscale print.
 */
export const REPORT_STYLES = `
:root { --ref: #0072b2; --cur: #e69f00; --cur-edge: #8f5a00; --drift: #d55e00; --ok: #009e73; --ink: #1b1b1b; --muted: #5b5b5b; --line: #d9d9d9; color-scheme: light; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0 auto; max-width: 1240px; padding: 20px 24px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 18px; margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 0 0 4px; overflow-wrap: break-word; }
code, .path { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; overflow-wrap: anywhere; }
a { color: #0b5394; }
.muted { color: var(--muted); font-size: 12px; }
.verdict { display: grid; grid-template-columns: 1fr auto; gap: 2px 24px; align-items: center; border-left: 8px solid var(--ok); background: #eef8f4; padding: 12px 16px; border-radius: 4px; }
.verdict.is-drifted { border-left-color: var(--drift); background: #fcefe8; }
.verdict-headline { margin: 0; font-size: 24px; font-weight: 750; }
.verdict.is-drifted .verdict-headline { color: #a33f00; }
.verdict.is-ok .verdict-headline { color: #006b4f; }
.verdict-explanation { margin: 0; font-size: 15px; grid-column: 1; }
.gauge { grid-column: 2; grid-row: 1 / span 2; }
.gauge-track { fill: #fff; stroke: #8a8a8a; }
.gauge-fill { fill: var(--drift); }
.verdict.is-ok .gauge-fill { fill: var(--ok); }
.gauge-mark { stroke: var(--ink); stroke-width: 2.5; }
.gauge-label { font-size: 11px; fill: var(--ink); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 8px 24px; margin: 14px 0 0; }
.fact dt { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.fact dd { margin: 0; }
.fact-wide { grid-column: span 2; }
.filter { display: flex; gap: 16px; align-items: center; margin: 0 0 8px; flex-wrap: wrap; }
.filter input[type=search] { font: inherit; padding: 4px 8px; min-width: 260px; }
.table-scroll { overflow-x: auto; }
table.columns { border-collapse: collapse; width: 100%; font-size: 13px; }
table.columns caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
table.columns th, table.columns td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.columns thead th { border-bottom: 2px solid var(--ink); white-space: nowrap; vertical-align: bottom; }
table.columns td.test { white-space: nowrap; }
table.columns tbody th { font-weight: 600; overflow-wrap: break-word; min-width: 120px; max-width: 240px; }
table.columns .repeated { color: var(--muted); }
table.columns .missing-rise { color: #a33f00; font-weight: 700; }
table.columns .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.columns tr.is-drifted th { border-left: 4px solid var(--drift); }
.effect-meter { width: 48px; height: 10px; margin-left: 6px; vertical-align: middle; }
.effect-meter::-webkit-meter-bar { background: #fff; border: 1px solid #8a8a8a; border-radius: 0; height: 10px; }
.effect-meter::-webkit-meter-optimum-value { background: #4d4d4d; border-radius: 0; }
.effect-meter::-moz-meter-bar { background: #4d4d4d; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 700; white-space: nowrap; border: 1.5px solid; }
.badge-drift { color: #fff; background: var(--drift); border-color: var(--drift); }
.badge-ok { color: #006b4f; background: #fff; border-color: var(--ok); }
.not-tested { columns: 2 320px; }
details.guide { margin: 0 0 10px; font-size: 13px; }
details.guide > summary { cursor: pointer; color: #0b5394; }
details.guide ul { margin: 6px 0; padding-left: 20px; max-width: 980px; }
details.group > summary { cursor: pointer; font-size: 18px; font-weight: 700; margin: 24px 0 10px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; min-width: 0; }
.card.is-drifted { border-top: 4px solid var(--drift); }
.card .test-line, .card .summary, .card .note { margin: 2px 0; font-size: 12.5px; }
.card .note { color: #a33f00; }
.chart-limit { max-width: 980px; margin: 6px 0 12px; padding: 6px 10px; border-left: 4px solid #0b5394; background: #f3f6fa; }
.chart { display: block; width: 100%; max-width: 560px; height: auto; margin: 6px 0; font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.chart-title { font-size: 13px; font-weight: 700; fill: var(--ink); }
.chart .tick { fill: #3c3c3c; }
.chart .axis-title { fill: var(--ink); font-weight: 600; }
.chart .grid { stroke: #e6e6e6; }
.chart .axis-line, .chart .tick-mark { stroke: #3c3c3c; }
.chart .bar-ref { fill: var(--ref); fill-opacity: .6; }
.chart .bar-cur { fill: url(#hatch-current); }
.chart .outline-cur { stroke: var(--cur-edge); stroke-width: 1.6; }
.chart path.outline-cur { fill: none; stroke-linejoin: miter; }
.chart .legend text { fill: var(--ink); }
.hatch-bg { fill: var(--cur); fill-opacity: .25; }
.hatch-line { fill: var(--cur); }
.chart .hit { fill: transparent; }
.chart .hit:hover, .chart g:hover > .hit { fill: rgba(0, 0, 0, .06); }
.chart .plot-note { fill: var(--muted); font-size: 13px; font-style: italic; }
.chart .new-category { fill: #a33f00; font-weight: 700; }
.chart .empty-label { font-style: italic; }
.chart .zero-mark { fill: var(--muted); font-size: 10px; }
.svg-defs { position: absolute; width: 0; height: 0; overflow: hidden; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  @page { margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .filter { display: none !important; }
  details::details-content { content-visibility: visible; display: contents; }
  details.group > summary { list-style: none; }
  h2, h3, summary { break-after: avoid; }
  .cards { display: block; }
  .card { break-inside: avoid; margin-bottom: 10px; }
  .table-scroll { overflow: visible; }
  table.columns { font-size: 8pt; }
  table.columns th, table.columns td { padding: 2px 4px; }
  table.columns td.test, table.columns thead th, table.columns .num { white-space: normal; }
  table.columns .muted, table.columns .badge { font-size: 7pt; }
  .effect-meter { display: none; }
  table.columns tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
