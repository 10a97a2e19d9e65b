import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import { ValidationError } from '#shared/errors.ts';
import type { CredentialRotationNotification } from '#shared/sp-api/schemas/lwa.ts';
import {
  type ApplicationCredentials,
  makeHandleCredentialNotification,
} from '#shared/use-cases/vendor-ingest/handle-credential-notification.ts';
import { RecordingPublisher } from '../support/fakes.ts';

const envelope = {
  notificationVersion: '1.0',
  payloadVersion: '2023-12-11',
  eventTime: '2026-11-20T10:00:00Z',
};

function setup() {
  let stored: ApplicationCredentials & { refreshTokens: Record<string, string> } = {
    clientId: 'amzn1.application-oa2-client.acorn',
    clientSecret: 'old-secret',
    refreshTokens: { eu: 'Atzr|1' },
  };
  const credentials = {
    get: vi.fn(async () => stored),
    put: vi.fn(async (value: typeof stored) => {
      stored = value;
    }),
  };
  const rotate = vi.fn(async () => {});
  const events = new RecordingPublisher();
  const handle = makeHandleCredentialNotification({
    credentials,
    rotate,
    events,
    clock: new ManualClock('2026-11-20T10:00:05Z'),
  });
  return { handle, credentials, rotate, events, current: () => stored };
}

const newSecret = (clientId = 'amzn1.application-oa2-client.acorn'): CredentialRotationNotification => ({
  ...envelope,
  notificationType: 'APPLICATION_OAUTH_CLIENT_NEW_SECRET',
  payload: {
    applicationOAuthClientNewSecret: {
      clientId,
      newClientSecret: 'new-secret',
      newClientSecretExpiryTime: '2027-05-19T10:00:00Z',
      oldClientSecretExpiryTime: '2026-11-27T10:00:00Z',
    },
  },
});

describe('credential notifications', () => {
  it('asks Amazon to rotate when the client secret is about to expire', async () => {
    const { handle, rotate } = setup();
    const outcome = await handle({
      ...envelope,
      notificationType: 'APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY',
      payload: {
        applicationOAuthClientSecretExpiry: {
          clientId: 'amzn1.application-oa2-client.acorn',
          clientSecretExpiryTime: '2026-12-01T00:00:00Z',
          clientSecretExpiryReason: 'PERIODIC_ROTATION',
        },
      },
    });
    expect(rotate).toHaveBeenCalledTimes(1);
    expect(outcome).toEqual({ action: 'rotation-requested', expiresAt: '2026-12-01T00:00:00Z' });
  });

  it('writes the new secret into the vault, keeps the refresh tokens, and announces it without the secret', async () => {
    const { handle, events, current } = setup();
    await handle(newSecret());
    expect(current()).toMatchObject({
      clientSecret: 'new-secret',
      refreshTokens: { eu: 'Atzr|1' },
      previousClientSecretExpiresAt: '2026-11-27T10:00:00Z',
      rotatedAt: '2026-11-20T10:00:05.000Z',
    });
    expect(events.published).toHaveLength(1);
    expect(JSON.stringify(events.published)).not.toContain('new-secret');
  });

  it('stores a redelivered notification only once', async () => {
    const { handle, credentials } = setup();
    await handle(newSecret());
    const again = await handle(newSecret());
    expect(again).toEqual({ action: 'already-stored' });
    expect(credentials.put).toHaveBeenCalledTimes(1);
  });

  it('refuses a notification for another application', async () => {
    const { handle, credentials } = setup();
    await expect(handle(newSecret('amzn1.application-oa2-client.other'))).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(credentials.put).not.toHaveBeenCalled();
  });
});
