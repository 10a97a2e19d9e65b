import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type AuditEvent, auditArchiveKey, auditArchiveLine } from '../domain/audit.ts';
import { ValidationError } from '../errors.ts';
import type { ArchiveObject, ArchiveObjectWriter } from '../use-cases/archive/ports.ts';
import type { Archive, ArchiveDocument, AuditArchive } from '../use-cases/outbox/ports.ts';

/** Keys are relative paths of plain segments: no leading slash, no empty, `.` or `..` segment. */
function checkKey(key: string): void {
  const segments = key.split('/');
  if (key.length > 1024 || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new ValidationError(`Invalid archive key ${key}`, [
      { path: 'key', message: 'expected a relative path' },
    ]);
  }
}

/**
 * The immutable archive bucket (Object Lock, versioned). PutObject only: nothing here deletes an
 * object or touches its retention, and the bucket's default retention and SSE-KMS key apply to
 * every object. A key written twice keeps both versions.
 *
 * No personal data (ARCHITECTURE rule 13): Object Lock makes an archived object impossible to
 * erase, so callers hand in documents that are already clean (customer names and addresses
 * removed or pseudonymised). This class does not inspect or clean what it stores.
 */
export class S3Archive implements Archive, AuditArchive, ArchiveObjectWriter {
  constructor(private readonly deps: { client: S3Client; bucketName: string }) {}

  putDocument(document: ArchiveDocument): Promise<void> {
    return this.putObject(document);
  }

  /** Any object: the export's Parquet files and quarantine lines, as well as documents. */
  async putObject(object: ArchiveObject): Promise<void> {
    checkKey(object.key);
    await this.deps.client.send(
      new PutObjectCommand({
        Bucket: this.deps.bucketName,
        Key: object.key,
        Body: object.body,
        ContentType: object.contentType,
        // Object Lock buckets refuse a PUT without an integrity checksum.
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }

  /** One JSON line under `audit/dt=YYYY-MM-DD/<id>.json`, without the actor's display name. */
  putAuditEvent(event: AuditEvent): Promise<void> {
    return this.putDocument({
      key: auditArchiveKey(event),
      body: auditArchiveLine(event),
      contentType: 'application/x-ndjson',
    });
  }
}
