import type { SpApiRegion } from '../config/runtime.ts';

/**
 * Default usage plans of the operations Acorn calls, from the official models (rate in requests
 * per second, burst = bucket size). Amazon may grant more; it never grants less.
 */
export const USAGE_PLANS = {
  getPurchaseOrders: { rate: 10, burst: 10 },
  getPurchaseOrder: { rate: 10, burst: 10 },
  submitAcknowledgement: { rate: 10, burst: 10 },
  getPurchaseOrdersStatus: { rate: 10, burst: 10 },
  submitInvoices: { rate: 10, burst: 10 },
  submitShipmentConfirmations: { rate: 10, burst: 10 },
  getShipmentDetails: { rate: 10, burst: 10 },
  getTransaction: { rate: 10, burst: 20 },
  rotateApplicationClientSecret: { rate: 0.0167, burst: 1 },
  // The Finances Invoices model (2026-06-25) documents no usage plan; Finances v0's 0.5/30 is assumed.
  getInvoiceHeaders: { rate: 0.5, burst: 30 },
  submitInventoryUpdate: { rate: 10, burst: 10 },
} as const satisfies Record<string, { rate: number; burst: number }>;

export type SpApiOperation = keyof typeof USAGE_PLANS;

/** Production hosts per region. */
export const SP_API_HOSTS: Record<SpApiRegion, string> = {
  na: 'https://sellingpartnerapi-na.amazon.com',
  eu: 'https://sellingpartnerapi-eu.amazon.com',
  fe: 'https://sellingpartnerapi-fe.amazon.com',
};

/** Login with Amazon token endpoint. */
export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';
