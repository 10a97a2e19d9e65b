import { join, resolve } from 'node:path';

/** The project root (the folder above infra/). */
export const PROJECT_ROOT = resolve(import.meta.dirname, '..');

/**
 * How every Lambda is bundled, in one place for the node-function construct, the benchmark and the
 * bundle-size budget test: ESM, minified, the SDK clients bundled (pins their version).
 */
export const LAMBDA_BUNDLE = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  mainFields: ['module', 'main'],
  minify: true,
  /** Lets CommonJS dependencies that call require() run inside the ESM bundle. */
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  /**
   * Lambda hands a function its credentials in environment variables, the first link of the
   * SDK's default chain; the rest of the chain is replaced (see shared/aws/lambda-credential-provider.ts).
   */
  alias: {
    '@aws-sdk/credential-provider-node': join(PROJECT_ROOT, 'shared', 'aws', 'lambda-credential-provider.ts'),
    // jsPDF's optional browser helpers (HTML and SVG rendering) and its PNG decoder are never used
    // by a Lambda (Acorn's PDFs are text): ~430 KB saved.
    'fast-png': join(PROJECT_ROOT, 'shared', 'pdf-unused-browser-module.ts'),
    html2canvas: join(PROJECT_ROOT, 'shared', 'pdf-unused-browser-module.ts'),
    canvg: join(PROJECT_ROOT, 'shared', 'pdf-unused-browser-module.ts'),
    dompurify: join(PROJECT_ROOT, 'shared', 'pdf-unused-browser-module.ts'),
  },
} as const;

/** Size budgets of the minified bundles, in bytes (checked by test/infra/bundle-size.test.ts). */
export const BUNDLE_BUDGET = {
  default: 1024 * 1024,
  /** The ingest functions run every few minutes; their cold start is the one that matters most. */
  'functions/vendor-ingest/pull-purchase-orders.ts': 400 * 1024,
  // The functions that draw an invoice's PDF carry jsPDF (~330 KB minified) beside the SDK clients.
  'functions/invoices/invoice-shipment.ts': 1280 * 1024,
  'functions/invoices/create-invoices.ts': 1280 * 1024,
  'functions/invoices/follow-up-invoices.ts': 1280 * 1024,
  /**
   * Returns exports come as XLSX: the streaming reader of exceljs (unzip, SAX parser, cell
   * xforms) is most of this bundle. It runs once per dropped file, never on a hot path.
   */
  'functions/credit-memos/import-returns-file.ts': 1280 * 1024,
  /** The workflow's steps draw the Vendor Central memo's PDF: jsPDF, as for invoices. */
  'functions/credit-memos/run-workflow-step.ts': 1280 * 1024,
} as const;

/** The size budget of a function's minified bundle, in bytes: its own entry in BUNDLE_BUDGET, else the default. */
export function bundleBudgetOf(entry: string): number {
  const budgets: Readonly<Record<string, number>> = BUNDLE_BUDGET;
  return budgets[entry] ?? BUNDLE_BUDGET.default;
}
