import * as z from 'zod';
import type { SpApiClient } from './client.ts';

/**
 * Application Management API 2023-11-30. `rotateApplicationClientSecret` is grantless: the client
 * it is called with must use a client-credentials token with the rotation scope. Amazon answers
 * 204 and delivers the new secret as an APPLICATION_OAUTH_CLIENT_NEW_SECRET notification to the
 * SQS queue registered in the developer console.
 */
export function makeApplicationManagementApi(client: SpApiClient) {
  return {
    async rotateClientSecret(): Promise<void> {
      await client.call({
        operation: 'rotateApplicationClientSecret',
        method: 'POST',
        path: '/applications/2023-11-30/clientSecret',
        responseSchema: z.unknown(),
      });
    },
  };
}
