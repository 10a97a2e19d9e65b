import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3Archive } from '#shared/aws/s3-archive.ts';
import { ValidationError } from '#shared/errors.ts';

const s3 = mockClient(S3Client);

describe('S3Archive', () => {
  const archive = new S3Archive({ client: new S3Client({}), bucketName: 'archive-bucket' });

  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
  });

  it('puts the document as given, with its content type and a checksum, leaving encryption and retention to the bucket', async () => {
    // Act
    await archive.putDocument({
      key: 'documents/purchaseOrders/submitAcknowledgement/dt=2026-03-01/ack#4R9DIAQD#1.json',
      body: '{"payload":"{}"}\n',
      contentType: 'application/json',
    });
    // Assess
    const calls = s3.calls();
    expect(calls).toHaveLength(1);
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Bucket: 'archive-bucket',
      Key: 'documents/purchaseOrders/submitAcknowledgement/dt=2026-03-01/ack#4R9DIAQD#1.json',
      Body: '{"payload":"{}"}\n',
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
    });
  });

  it('archives an audit event as one JSON line under its day, without the actor’s name', async () => {
    await archive.putAuditEvent({
      id: 'outbox:ack#1:r000003',
      at: '2026-03-01T23:59:59.999Z',
      actor: { type: 'person', id: 'sub-9', name: 'Ada Lovelace' },
      action: 'outbox.resolved',
      entity: { type: 'PurchaseOrder', id: '4R9DIAQD' },
      reason: 'applied',
    });
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input?.Key).toBe('audit/dt=2026-03-01/outbox:ack#1:r000003.json');
    expect(input?.ContentType).toBe('application/x-ndjson');
    const body = String(input?.Body);
    expect(body.endsWith('\n')).toBe(true);
    expect(body).not.toContain('Ada');
    expect(JSON.parse(body)).toMatchObject({
      actor: { type: 'person', id: 'sub-9' },
      action: 'outbox.resolved',
    });
  });

  it.each(['/absolute.json', 'a//b.json', 'a/../b.json', 'trailing/'])('refuses the key %s', async (key) => {
    await expect(
      archive.putDocument({ key, body: '{}', contentType: 'application/json' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(s3.calls()).toHaveLength(0);
  });
});
