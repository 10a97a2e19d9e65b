import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { PublishedEvent } from './runtime/event-bus.ts';

/** Where the mirror remembers which version (ETag) of each key it holds. */
const INDEX_FILE = '.mirror-etags.json';

/**
 * A copy of the local archive bucket's datasets (and quarantine) under `.acorn/archive/`, key for
 * key, so DuckDB (`npm run query`) reads the same layout Athena reads in S3 — also when `npm start`
 * is not running. The bucket is the truth: each object created under a mirrored prefix is copied
 * as it is written, and `sync` copies whatever changed since (at start, and when a caller must see
 * everything written so far). The per-event objects (documents, audit copies) stay in the local
 * bucket: copying each as it is written would double the S3 traffic of every acknowledgement.
 */
export class ArchiveMirror {
  readonly #etags: Map<string, string>;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      s3: S3Client;
      bucket: string;
      dir: string;
      /** Key prefixes copied, e.g. `datasets/`. */
      prefixes: readonly string[];
      log?: (message: string) => void;
    },
  ) {
    mkdirSync(deps.dir, { recursive: true });
    let stored: Record<string, string> = {};
    try {
      stored = JSON.parse(readFileSync(join(deps.dir, INDEX_FILE), 'utf8')) as Record<string, string>;
    } catch {
      // A first start, or an index lost: sync copies everything again.
    }
    this.#etags = new Map(Object.entries(stored));
  }

  /** The local directory of the copy. */
  get dir(): string {
    return this.deps.dir;
  }

  /** Copies the object an S3 "Object Created" event of the mirrored bucket names; other events are ignored. */
  onEvent(published: PublishedEvent): void {
    const { event } = published;
    if (event.source !== 'aws.s3' || event['detail-type'] !== 'Object Created') return;
    const detail = event.detail as { bucket?: { name?: string }; object?: { key?: string } };
    const key = detail.object?.key;
    if (detail.bucket?.name !== this.deps.bucket || !key || !this.#mirrored(key)) return;
    this.#enqueue(async () => {
      await this.#copy(key);
      this.#saveIndex();
    });
  }

  /** Copies every object that is new or changed since the last copy; resolves to how many. */
  sync(): Promise<number> {
    return this.#enqueue(async () => {
      let copied = 0;
      for (const Prefix of this.deps.prefixes) {
        const pages = paginateListObjectsV2({ client: this.deps.s3 }, { Bucket: this.deps.bucket, Prefix });
        for await (const page of pages) {
          for (const object of page.Contents ?? []) {
            if (!object.Key || this.#etags.get(object.Key) === object.ETag) continue;
            await this.#copy(object.Key);
            copied++;
          }
        }
      }
      this.#saveIndex();
      return copied;
    });
  }

  /** Resolves once every copy asked for so far is done. */
  async idle(): Promise<void> {
    await this.#chain.catch(() => {});
  }

  #mirrored(key: string): boolean {
    return this.deps.prefixes.some((prefix) => key.startsWith(prefix));
  }

  /** One copy at a time, in the order asked: a later version of a key never lands before an earlier one. */
  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.catch(() => {}).then(task);
    this.#chain = run.catch((error: unknown) => {
      this.deps.log?.(`archive mirror: ${(error as Error).message}`);
    });
    return run;
  }

  async #copy(key: string): Promise<void> {
    const target = resolve(this.deps.dir, key);
    if (!target.startsWith(resolve(this.deps.dir) + sep)) {
      throw new Error(`archive key ${key} leaves the mirror directory`);
    }
    const res = await this.deps.s3.send(new GetObjectCommand({ Bucket: this.deps.bucket, Key: key }));
    const body = await res.Body?.transformToByteArray();
    if (!body) throw new Error(`archive object ${key} has no body`);
    mkdirSync(dirname(target), { recursive: true });
    // Written aside and renamed, so DuckDB never reads half a Parquet file.
    const partial = `${target}.partial`;
    writeFileSync(partial, body);
    renameSync(partial, target);
    if (res.ETag) this.#etags.set(key, res.ETag);
  }

  #saveIndex(): void {
    writeFileSync(join(this.deps.dir, INDEX_FILE), JSON.stringify(Object.fromEntries(this.#etags)));
  }
}
