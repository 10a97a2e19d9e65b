import { it } from 'vitest';
import { startTestSystem, tableItems } from '../support/local-system.ts';

it('explores', async () => {
  const t0 = Date.now();
  const system = await startTestSystem({ speed: 60, poGeneration: { backlog: 500, perHour: 0 } });
  console.log('started in', Date.now() - t0, 'clock', system.runtime.clock.now().toISOString());
  console.log(system.runtime.schedules.status().map((s) => s.id));
  console.log(system.runtime.httpRoutes().map((r) => JSON.stringify(r)).slice(0, 20));
  // wait for inbox import
  for (let i = 0; i < 30; i++) {
    const items = await tableItems(system);
    const stock = items.filter((x) => x.type?.S === 'StockPosition').length;
    const cat = items.filter((x) => x.pk?.S === 'CATALOG').length;
    console.log('stock', stock, 'catalog', cat, system.runtime.invocations().map(i=>i.functionId).join(','));
    if (stock > 0 && cat > 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const t1 = Date.now();
  const res = await system.runtime.invoke('PullPurchaseOrders', {});
  console.log('pull', Date.now() - t1, JSON.stringify(res).slice(0, 500));
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 2000));
    const acks = system.sandbox.acknowledgements().length;
    const items = await tableItems(system);
    const recs = items.filter((x) => x.sk?.S === 'ACK');
    const byState: Record<string, number> = {};
    for (const r of recs) byState[r.state!.S!] = (byState[r.state!.S!] ?? 0) + 1;
    console.log(((Date.now() - t1) / 1000).toFixed(0), 'acks', acks, 'records', recs.length, JSON.stringify(byState), 'failed deliveries', system.runtime.failedDeliveries().length);
    if (recs.length >= 500 && (byState.queued ?? 0) === 0) break;
  }
  const tx = system.sandbox.transactions();
  console.log('tx', tx.length, JSON.stringify(tx.filter((t) => t.status === 'Failure').slice(0, 5)));
  console.log(JSON.stringify(system.runtime.failedDeliveries().slice(0, 3)));
  console.log(JSON.stringify(system.sandbox.stats()));
  await system.dispose();
}, 600_000);
