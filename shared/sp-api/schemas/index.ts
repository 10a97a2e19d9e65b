/** Acorn's own zod schemas for the SP-API shapes it reads and sends (ARCHITECTURE rule 14). */
export * from './common.ts';
export * from './df-inventory.ts';
export * from './invoices.ts';
export * from './lwa.ts';
export * from './orders.ts';
export * from './shipments.ts';
export * from './transaction-status.ts';
