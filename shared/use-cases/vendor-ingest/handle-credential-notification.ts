import type { Clock } from '../../clock.ts';
import { ValidationError } from '../../errors.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { CredentialRotationNotification } from '../../sp-api/schemas/lwa.ts';
import type { EventPublisher } from '../ports.ts';

/** The application's LWA credentials as the rotation path reads and writes them. */
export interface ApplicationCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly previousClientSecretExpiresAt?: string;
  readonly rotatedAt?: string;
}

export interface CredentialVault<T extends ApplicationCredentials> {
  get(): Promise<T>;
  put(value: T): Promise<void>;
}

export type CredentialNotificationOutcome =
  | { readonly action: 'rotation-requested'; readonly expiresAt: string }
  | { readonly action: 'secret-stored'; readonly oldSecretExpiresAt: string }
  | { readonly action: 'already-stored' };

/**
 * The LWA client secret expires every 180 days. Amazon warns with APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY;
 * we answer by calling rotateApplicationClientSecret; Amazon then delivers the new secret in
 * APPLICATION_OAUTH_CLIENT_NEW_SECRET, which we write into Secrets Manager. Functions pick it up on
 * their next secret refresh, while the old secret keeps working until its stated expiry.
 */
export function makeHandleCredentialNotification<T extends ApplicationCredentials>(deps: {
  credentials: CredentialVault<T>;
  rotate: () => Promise<void>;
  events: EventPublisher;
  clock: Clock;
}) {
  return async function handleCredentialNotification(
    notification: CredentialRotationNotification,
  ): Promise<CredentialNotificationOutcome> {
    const current = await deps.credentials.get();
    if (notification.notificationType === 'APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY') {
      const expiry = notification.payload.applicationOAuthClientSecretExpiry;
      assertSameClient(expiry.clientId, current.clientId);
      await deps.rotate();
      return { action: 'rotation-requested', expiresAt: expiry.clientSecretExpiryTime };
    }
    const fresh = notification.payload.applicationOAuthClientNewSecret;
    assertSameClient(fresh.clientId, current.clientId);
    // SQS delivers at least once: the same notification twice must not rotate twice.
    if (current.clientSecret === fresh.newClientSecret) return { action: 'already-stored' };
    const rotatedAt = deps.clock.now().toISOString();
    await deps.credentials.put({
      ...current,
      clientSecret: fresh.newClientSecret,
      previousClientSecretExpiresAt: fresh.oldClientSecretExpiryTime,
      rotatedAt,
    });
    await deps.events.publish([
      {
        source: EVENT_SOURCE.vendorIngest,
        detailType: DETAIL_TYPE.spApiCredentialRotated,
        // Never the secret itself: only who and when.
        detail: {
          clientId: fresh.clientId,
          rotatedAt,
          oldSecretExpiresAt: fresh.oldClientSecretExpiryTime,
          newSecretExpiresAt: fresh.newClientSecretExpiryTime,
        },
      },
    ]);
    return { action: 'secret-stored', oldSecretExpiresAt: fresh.oldClientSecretExpiryTime };
  };
}

function assertSameClient(notified: string, configured: string): void {
  if (notified !== configured) {
    throw new ValidationError(
      `Credential notification for client ${notified} does not match the configured client ${configured}`,
      [{ path: 'payload.clientId', message: `expected ${configured}` }],
    );
  }
}
