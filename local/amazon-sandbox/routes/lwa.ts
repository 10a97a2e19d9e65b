/** Login with Amazon token endpoint and the Application Management API (client-secret rotation). */
import { CLIENT_SECRET_ROTATION_SCOPE } from '#shared/sp-api/schemas/lwa.ts';
import type { Route } from '../http.ts';
import type { SandboxServices } from '../services.ts';

/** Reads the token request: LWA takes form fields; JSON is accepted too, as the real endpoint does. */
function tokenFields(rawBody: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(rawBody);
      if (parsed && typeof parsed === 'object') {
        return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
      }
    } catch {
      // Falls through to an empty request, which is answered invalid_request.
    }
    return {};
  }
  return Object.fromEntries(new URLSearchParams(rawBody));
}

/** The LWA and application-management routes. */
export function lwaRoutes(services: SandboxServices): Route[] {
  return [
    {
      kind: 'lwa',
      method: 'POST',
      path: '/auth/o2/token',
      operation: 'lwaToken',
      handle(request) {
        const outcome = services.lwa.exchange(tokenFields(request.rawBody, request.headers['content-type']));
        return { status: outcome.status, body: outcome.body };
      },
    },
    {
      kind: 'sp-api',
      method: 'POST',
      path: '/applications/2023-11-30/clientSecret',
      operation: 'rotateApplicationClientSecret',
      grantlessScope: CLIENT_SECRET_ROTATION_SCOPE,
      async handle(request) {
        const notification = services.lwa.rotate(request.clientId);
        // Amazon answers 204 and queues the new secret; awaiting delivery lets a test (or the
        // local runtime) see the notification as soon as the call returns.
        await services.notify(notification);
        return { status: 204 };
      },
    },
  ];
}
