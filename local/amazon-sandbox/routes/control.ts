/**
 * `/_sandbox/*`: the test and demo controls. Not part of Amazon's API, never logged as requests,
 * never subject to faults or rate limits.
 */
import * as z from 'zod';
import { purchaseOrderSchema } from '#shared/sp-api/schemas/orders.ts';
import { faultsSchema } from '../faults.ts';
import type { Route } from '../http.ts';
import type { AmazonSandbox } from '../index.ts';

/** Body of `POST /_sandbox/purchase-orders`: a full PO (with its details). */
export const injectedPurchaseOrderBodySchema = purchaseOrderSchema.extend({
  orderDetails: purchaseOrderSchema.shape.orderDetails.unwrap(),
});

const injectQuery = z.object({ marketplace: z.string().optional() });

/** The control routes, acting on the sandbox itself. */
export function controlRoutes(sandbox: () => AmazonSandbox): Route[] {
  const control = (
    method: 'GET' | 'POST',
    path: string,
    rest: Pick<Route, 'handle'> & Partial<Route>,
  ): Route => ({
    kind: 'control',
    method,
    path,
    operation: `sandbox:${method} ${path}`,
    ...rest,
  });
  return [
    control('GET', '/_sandbox/requests', {
      handle: () => ({ status: 200, body: { requests: sandbox().requestLog() } }),
    }),
    control('GET', '/_sandbox/stats', { handle: () => ({ status: 200, body: sandbox().stats() }) }),
    control('GET', '/_sandbox/faults', {
      handle: () => ({ status: 200, body: { faults: sandbox().faults() } }),
    }),
    control('POST', '/_sandbox/faults', {
      body: faultsSchema,
      handle(request) {
        sandbox().setFaults(faultsSchema.parse(request.body));
        return { status: 200, body: { faults: sandbox().faults() } };
      },
    }),
    control('POST', '/_sandbox/purchase-orders', {
      body: injectedPurchaseOrderBodySchema,
      handle(request) {
        const order = injectedPurchaseOrderBodySchema.parse(request.body);
        const { marketplace } = injectQuery.parse(Object.fromEntries(request.query));
        const stored = sandbox().injectPurchaseOrder(order, marketplace ? { marketplace } : {});
        return { status: 201, body: { payload: stored } };
      },
    }),
    control('POST', '/_sandbox/notifications/client-secret-expiry', {
      async handle() {
        return { status: 200, body: { notification: await sandbox().announceClientSecretExpiry() } };
      },
    }),
  ];
}
