import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `hmacHeader` is Shopify's signature of exactly these bytes: base64 of HMAC-SHA256 over
 * the raw body with the app's client secret, compared in constant time.
 */
export function verifyShopifyHmac(rawBody: Buffer, hmacHeader: string | undefined, secret: string): boolean {
  if (!hmacHeader) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(hmacHeader, 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Signs a body as Shopify does (the local sandbox and tests use it). */
export function signShopifyBody(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}
