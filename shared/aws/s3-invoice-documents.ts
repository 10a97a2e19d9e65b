import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { InvoiceDocumentArchive } from '../use-cases/invoices/ports.ts';
import { S3Archive } from './s3-archive.ts';

/**
 * Invoice documents in the Object-Locked archive (`documents/invoices/invoiceDocuments/…`): the
 * exact JSON and the PDF, written once (a rewrite adds a version, never replaces evidence) and read
 * back for the console and the follow-up.
 */
export class S3InvoiceDocuments implements InvoiceDocumentArchive {
  readonly #archive: S3Archive;

  constructor(private readonly deps: { client: S3Client; bucketName: string }) {
    this.#archive = new S3Archive(deps);
  }

  putDocument(document: { key: string; body: string | Uint8Array; contentType: string }): Promise<void> {
    return this.#archive.putObject(document);
  }

  async getDocument(key: string): Promise<Uint8Array | undefined> {
    try {
      const res = await this.deps.client.send(
        new GetObjectCommand({ Bucket: this.deps.bucketName, Key: key }),
      );
      return res.Body ? await res.Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }
}
