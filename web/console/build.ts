import { join } from 'node:path';
import { buildSync } from 'esbuild';

/** The console's static files: `index.html`, `app.js` (one minified bundle) and `app.css`. */
export interface ConsoleAssets {
  readonly 'index.html': string;
  readonly 'app.js': string;
  readonly 'app.css': string;
}

const CSS = `:root{font-family:system-ui,sans-serif;color:#1f2933;background:#f7f8fa}
body{margin:0 auto;max-width:1200px;padding:16px 24px}
header{display:flex;gap:8px;align-items:center;margin-bottom:8px}header b{font-size:20px}
nav{display:flex;flex-wrap:wrap;gap:4px 12px;margin:8px 0 16px;font-size:14px}nav a.active{font-weight:700}
h1{font-size:20px}h2{font-size:16px}.muted{color:#66788a;font-size:13px}.error{color:#b91c1c}
.cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #e1e6eb;border-radius:8px;padding:10px 12px;font-size:13px}
.card b{display:block;font-size:20px;margin-top:4px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e1e6eb;font-size:13px;margin-bottom:16px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef1f4;vertical-align:top}th{background:#f1f4f7}
.chart{width:100%;max-width:720px;background:#fff;border:1px solid #e1e6eb}.bar{fill:#3b82f6}.axis{font-size:10px;fill:#66788a}
.ok{fill:#10b981}.warn{fill:#f59e0b}.bad{fill:#ef4444}.mode-live{color:#047857;font-weight:600}.mode-off{color:#b91c1c}
form{display:flex;gap:8px;flex-wrap:wrap;margin-bottom:12px}`;

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acorn console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="app.css">
<script defer src="app.js"></script>
</head>
<body><main id="main">Loading…</main></body>
</html>`;

/** Bundles web/console/app.ts with esbuild (no runtime dependency: the DOM and fetch only). */
export function buildConsoleAssets(): ConsoleAssets {
  const result = buildSync({
    entryPoints: [join(import.meta.dirname, 'app.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    legalComments: 'none',
  });
  const js = result.outputFiles[0]?.text;
  if (!js) throw new Error('esbuild produced no console bundle');
  return { 'index.html': HTML, 'app.js': js, 'app.css': CSS };
}
