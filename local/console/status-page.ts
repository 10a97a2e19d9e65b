/**
 * The local status page: what is running, the clock, the schedules, and the purchase orders the
 * ingest function has stored — all read from the same JSON API the console uses.
 */
export function renderStatusPage(opts: { sandboxUrl: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acorn — local</title>
<link rel="icon" href="data:,">
<style>
  :root { font-family: system-ui, sans-serif; color: #1f2933; background: #f7f8fa; }
  body { margin: 0 auto; max-width: 1100px; padding: 24px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  .muted { color: #66788a; font-size: 13px; }
  .cards { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; margin: 20px 0; }
  .card { background: #fff; border: 1px solid #e1e6eb; border-radius: 8px; padding: 12px 14px; }
  .card b { display: block; font-size: 22px; margin-top: 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  #clock { font-size: 18px; line-height: 29px; }
  table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #e1e6eb; border-radius: 8px; font-size: 13px; }
  th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid #eef1f4; }
  th { background: #f1f4f7; font-weight: 600; }
  .ack-review, .ack-failed, .ack-rejected, .ack-unknown { color: #b91c1c; font-weight: 600; }
  .ack-accepted, .ack-submitted { color: #047857; }
  .asn-rejected, .asn-failed, .asn-unknown, .asn-held, .asn-queued { color: #b91c1c; font-weight: 600; }
  .asn-accepted, .asn-submitted { color: #047857; }
  .ack-review, .ack-failed, .ack-rejected, .ack-unknown { color: #b91c1c; font-weight: 600; }
  .ack-accepted, .ack-submitted { color: #047857; }
  .state-New { color: #b45309; } .state-Acknowledged { color: #047857; } .state-Closed { color: #6b7280; }
  .outcome-ok { color: #047857; } .outcome-failed { color: #b91c1c; }
  code { font-size: 12px; }
</style>
</head>
<body>
<h1>Acorn <span class="muted">local</span></h1>
<div class="muted">Amazon sandbox: <a href="${opts.sandboxUrl}/_sandbox/stats">${opts.sandboxUrl}</a> ·
  <a href="/api/health">/api/health</a> · <a href="/api/purchase-orders">/api/purchase-orders</a> · <a href="/api/shipments">/api/shipments</a> · <a href="/api/events">/api/events</a></div>
<div class="cards">
  <div class="card">Clock<b id="clock">…</b></div>
  <div class="card">Purchase orders stored<b id="po-count">…</b></div>
  <div class="card">Events published<b id="event-count">…</b></div>
  <div class="card">Failed deliveries<b id="failed">…</b></div>
  <div class="card">Acknowledgements in review<b id="review-count">…</b></div>
  <div class="card">Open, due in 24 h<b id="due-count">…</b></div>
  <div class="card">Shipments confirmed to Amazon<b id="shipment-count">…</b></div>
  <div class="card">POs to ship in 7 days (or late)<b id="ship-due-count">…</b></div>
  <div class="card">Shipments without an ASN<b id="no-asn-count">…</b></div>
</div>
<h2>Schedules</h2>
<table id="schedules"><thead><tr><th>Schedule</th><th>Expression</th><th>Runs</th><th>Last run</th><th>Next run</th><th>Outcome</th></tr></thead><tbody></tbody></table>
<h2>Waiting for a person</h2>
<table id="reviews"><thead><tr><th>PO</th><th>Vendor code</th><th>Marketplace</th><th>Deadline</th><th>Lines in review</th><th>Detail</th></tr></thead><tbody></tbody></table>
<h2>Shipments (latest first)</h2>
<table id="shipments"><thead><tr><th>Shipment</th><th>Vendor code</th><th>POs</th><th>Units</th><th>Cartons / pallets</th><th>Shipped</th><th>ASN due</th><th>ASN</th></tr></thead><tbody></tbody></table>
<h2>Purchase orders (newest first)</h2>
<table id="pos"><thead><tr><th>PO</th><th>Vendor code</th><th>Amazon state</th><th>Acknowledgement</th><th>Deadline</th><th>PO date</th><th>Lines</th><th>Ship / delivery window</th><th>Ship to</th></tr></thead><tbody></tbody></table>
<script>
const text = (v) => (v === undefined || v === null ? '' : String(v));
const minute = (iso) => (iso ? iso.replace('T', ' ').slice(0, 16) + ' UTC' : '');
// Amazon sends a ship window (the vendor ships) or a delivery window (the vendor delivers).
function windowText(p) {
  const w = p.shipWindow ?? p.deliveryWindow;
  if (!w) return '';
  const [from, to] = w.split('--');
  return (p.shipWindow ? 'ship ' : 'deliver ') + (from ?? '').slice(0, 10) + ' → ' + (to ?? '').slice(0, 10);
}
function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    // A cell is a value (possibly undefined: a schedule that has not run yet) or { value, className }.
    const cell = c !== null && typeof c === 'object' ? c : { value: c };
    const td = document.createElement('td'); td.textContent = text(cell.value); if (cell.className) td.className = cell.className; tr.append(td);
  }
  return tr;
}
async function refresh() {
  const [health, pos, events, reviews, due, shipments, shipDue] = await Promise.all([
    fetch('/api/health').then((r) => r.json()),
    fetch('/api/purchase-orders?limit=500').then((r) => r.json()),
    fetch('/api/events').then((r) => r.json()),
    fetch('/api/acknowledgements?state=review&limit=200').then((r) => r.json()),
    fetch('/api/acknowledgements?state=due&hours=24&limit=500').then((r) => r.json()),
    fetch('/api/shipments?limit=200').then((r) => r.json()),
    fetch('/api/shipments?state=due&days=7&limit=500').then((r) => r.json()),
  ]);
  document.getElementById('shipment-count').textContent = shipments.items.filter((s) => s.state === 'accepted').length;
  document.getElementById('ship-due-count').textContent = shipDue.items.length;
  document.getElementById('no-asn-count').textContent =
    shipments.items.filter((s) => ['queued', 'held', 'rejected', 'failed', 'unknown'].includes(s.state)).length;
  document.querySelector('#shipments tbody').replaceChildren(...shipments.items.slice(0, 30).map((s) => row([
    s.shipmentId, s.vendorCode, s.purchaseOrders.map((p) => p.purchaseOrderNumber).join(' '),
    s.purchaseOrders.reduce((sum, p) => sum + p.units, 0), s.cartons + ' / ' + s.pallets,
    minute(s.shippedDate), minute(s.asnDeadline), { value: s.state, className: 'asn-' + s.state },
  ])));
  document.getElementById('review-count').textContent = reviews.items.length;
  document.getElementById('due-count').textContent = due.items.length;
  const rbody = document.querySelector('#reviews tbody');
  rbody.replaceChildren(...reviews.items.slice(0, 50).map((r) => {
    const tr = row([r.purchaseOrderNumber, r.vendorCode, r.marketplace, minute(r.deadline), r.linesInReview + ' of ' + r.lines, '']);
    const a = document.createElement('a');
    a.href = '/api/purchase-orders/' + encodeURIComponent(r.purchaseOrderNumber);
    a.textContent = 'lines and reasons';
    tr.lastChild.append(a);
    return tr;
  }));
  document.getElementById('clock').textContent = minute(health.clock);
  document.getElementById('po-count').textContent = pos.items.length + (pos.nextToken ? '+' : '');
  // /api/events answers the latest 200 only.
  document.getElementById('event-count').textContent = events.items.length + (events.items.length >= 200 ? '+' : '');
  document.getElementById('failed').textContent = health.failedDeliveries;
  const sbody = document.querySelector('#schedules tbody');
  sbody.replaceChildren(...health.schedules.map((s) => row([
    s.id, s.expression, s.runs, minute(s.lastRun?.at), minute(s.nextFireAt),
    s.lastRun
      ? { value: s.lastRun.ok ? 'ok' : s.lastRun.error?.message, className: s.lastRun.ok ? 'outcome-ok' : 'outcome-failed' }
      : '',
  ])));
  const pbody = document.querySelector('#pos tbody');
  pbody.replaceChildren(...pos.items.slice(0, 100).map((p) => row([
    p.purchaseOrderNumber, p.vendorCode, { value: p.state, className: 'state-' + p.state },
    { value: p.acknowledgement?.state ?? '', className: 'ack-' + (p.acknowledgement?.state ?? 'none') },
    minute(p.acknowledgement?.deadline), minute(p.purchaseOrderDate), p.lineCount, windowText(p), p.shipTo,
  ])));
}
refresh(); setInterval(refresh, 3000);
</script>
</body>
</html>`;
}
