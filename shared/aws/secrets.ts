import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { ConfigurationError } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';

/**
 * Shape of the `SpApiCredentials` secret: the application's LWA client (shared by every
 * authorization) and one refresh token per configured SP-API account.
 */
export const spApiCredentialsSchema = z.looseObject({
  clientId: z.string(),
  clientSecret: z.string(),
  refreshTokens: z.record(z.string(), z.string()),
  /** Set by the rotation path: when the previous client secret stops working. */
  previousClientSecretExpiresAt: z.string().optional(),
  rotatedAt: z.string().optional(),
});
export type SpApiCredentials = z.infer<typeof spApiCredentialsSchema>;

/** How long a warm function trusts its cached copy of a secret. */
const CACHE_TTL_MS = 5 * 60 * 1000;

/**
 * Reads a JSON secret with a short in-memory cache, so a warm function does not call Secrets
 * Manager on every invocation yet picks up a rotated value within minutes. The value never reaches
 * a log line or an error message.
 */
export class JsonSecret<S extends z.ZodType> {
  #cached: { value: z.output<S>; until: number } | undefined;

  constructor(
    private readonly deps: { client: SecretsManagerClient; secretId: string; schema: S; now?: () => number },
  ) {}

  async get(): Promise<z.output<S>> {
    const now = this.deps.now?.() ?? Date.now();
    if (this.#cached && this.#cached.until > now) return this.#cached.value;
    const res = await this.deps.client.send(new GetSecretValueCommand({ SecretId: this.deps.secretId }));
    if (!res.SecretString) throw new ConfigurationError(`Secret ${this.deps.secretId} has no string value`);
    let json: unknown;
    try {
      json = JSON.parse(res.SecretString);
    } catch {
      // The parse error would quote the secret: say only where the problem is.
      throw new ConfigurationError(`Secret ${this.deps.secretId} is not valid JSON`);
    }
    const value = parseOrThrow(this.deps.schema, json, `secret ${this.deps.secretId}`);
    this.#cached = { value, until: now + CACHE_TTL_MS };
    return value;
  }

  /** Writes a new value and forgets the cached one. */
  async put(value: z.output<S>): Promise<void> {
    await this.deps.client.send(
      new PutSecretValueCommand({ SecretId: this.deps.secretId, SecretString: JSON.stringify(value) }),
    );
    this.#cached = undefined;
  }

  invalidate(): void {
    this.#cached = undefined;
  }
}
