import type { AmazonSandbox } from '#local/amazon-sandbox/index.ts';
import { lwaTokenResponseSchema } from '#shared/sp-api/schemas/lwa.ts';

/** An LWA access token from the Amazon sandbox, as any SP-API caller gets one. */
export async function sandboxAccessToken(
  sandbox: Pick<AmazonSandbox, 'url' | 'credentials'>,
): Promise<string> {
  const credentials = sandbox.credentials();
  const res = await fetch(`${sandbox.url}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshTokens[0]!,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }),
  });
  return lwaTokenResponseSchema.parse(await res.json()).access_token;
}
