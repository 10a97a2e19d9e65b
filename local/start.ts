/**
 * `npm start`: the whole of Acorn on this machine — see README "Local mode".
 * PORT (default 4280) serves the console and API; the Amazon sandbox listens on PORT + 1;
 * ACORN_SPEED (default 60) is how much faster than real time the clock runs.
 */
import { consoleLogSink } from '#local/runtime/log.ts';
import { startLocalSystem } from './system.ts';

const port = Number(process.env.PORT ?? 4280);
const speed = Number(process.env.ACORN_SPEED ?? 60);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a TCP port number, got "${process.env.PORT}"`);
  process.exit(2);
}
if (!Number.isFinite(speed) || speed <= 0) {
  console.error(`ACORN_SPEED must be a positive number, got "${process.env.ACORN_SPEED}"`);
  process.exit(2);
}

const system = await startLocalSystem({
  port,
  speed,
  ...(process.env.ACORN_CONFIG ? { configPath: process.env.ACORN_CONFIG } : {}),
  log: consoleLogSink({ minLevel: (process.env.ACORN_LOG_LEVEL as 'info' | undefined) ?? 'info' }),
});

console.log(`
Acorn is running locally.
  console and API   ${system.url}   (sign in with the dev login; GET /api/health, /api/purchase-orders, /api/invoices, …)
  Amazon sandbox    ${system.sandbox.url}   (GET /_sandbox/requests, POST /_sandbox/faults)
  Shopify sandbox   ${system.shopify.url}   (Admin GraphQL; the store's orders consume the shared stock)
  approval emails   ${system.url}/api/local/emails   (also as files in .acorn/mail/)
  alerts            ${system.url}/api/alerts; what each channel received: ${system.chatSink.url}/_sink/messages
  clock             ${system.runtime.clock.now().toISOString()}, ${speed}x real time
  state             .acorn/ (delete it to start over)
Ctrl-C stops everything.
`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await system.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
