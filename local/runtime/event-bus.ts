import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { Clock } from '#shared/clock.ts';
import { parseInput } from './aws-json-server.ts';
import { AwsServiceError } from './errors.ts';
import { type EventPattern, matchesEventPattern, validateEventPattern } from './event-pattern.ts';

/**
 * A local EventBridge: the `PutEvents` operation (AWS JSON 1.1, `AWSEvents.PutEvents`), rules
 * with event patterns on named buses, delivery of each matching event to the rule's target, an
 * in-memory log of what was published and an `onEvent` hook. Delivery is asynchronous, as with
 * EventBridge: PutEvents answers before the targets run.
 */

/** An event as EventBridge delivers it to a target. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO 8601 without milliseconds, from the runtime clock unless the entry set Time. */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface BusRule {
  /** Unique id, e.g. the manifest trigger id. */
  id: string;
  /** Physical bus name the rule listens on. */
  busName: string;
  pattern: EventPattern;
  /** Called for each matching event; must not throw synchronously (errors are the target's). */
  target: (event: BusEvent) => void;
}

/** One event as the bus recorded it. */
export interface PublishedEvent {
  busName: string;
  event: BusEvent;
  /** Ids of the rules whose pattern matched. */
  matchedRules: string[];
}

export interface LocalEventBusOptions {
  clock: Clock;
  region: string;
  accountId: string;
  /** How many published events to keep. Default 1000. */
  historyLimit?: number;
}

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

const putEventsInput = z.object({
  Entries: z
    .array(
      z.object({
        Source: z.string().optional(),
        DetailType: z.string().optional(),
        Detail: z.string().optional(),
        EventBusName: z.string().optional(),
        Resources: z.array(z.string()).optional(),
        Time: z.union([z.number(), z.string()]).optional(),
        TraceHeader: z.string().optional(),
      }),
    )
    .min(1)
    .max(MAX_ENTRIES),
  EndpointId: z.string().optional(),
});
export type PutEventsInput = z.infer<typeof putEventsInput>;
export type PutEventsEntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export class LocalEventBus {
  readonly #options: LocalEventBusOptions;
  readonly #buses = new Set<string>(['default']);
  readonly #rules: BusRule[] = [];
  readonly #history: PublishedEvent[] = [];
  readonly #listeners = new Set<(published: PublishedEvent) => void>();

  constructor(options: LocalEventBusOptions) {
    this.#options = options;
  }

  /** Operations for AwsJsonServer.register('AWSEvents', ...). */
  get operations() {
    return { PutEvents: (input: unknown) => this.putEvents(parseInput(putEventsInput, input)) };
  }

  /** Makes a bus known; PutEvents to an unknown bus fails per entry, as on AWS. */
  createBus(name: string): void {
    this.#buses.add(name);
  }

  busArn(name: string): string {
    return `arn:aws:events:${this.#options.region}:${this.#options.accountId}:event-bus/${name}`;
  }

  /** Adds a rule; throws InvalidEventPatternError when EventBridge would reject the pattern. */
  addRule(rule: BusRule): void {
    validateEventPattern(rule.pattern);
    this.createBus(rule.busName);
    this.#rules.push(rule);
  }

  /** PutEvents: validates each entry, records it, and hands it to every matching rule's target. */
  putEvents(input: PutEventsInput): { FailedEntryCount: number; Entries: PutEventsEntryResult[] } {
    if (Buffer.byteLength(JSON.stringify(input.Entries)) > MAX_REQUEST_BYTES) {
      throw new AwsServiceError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    const results = input.Entries.map((entry): PutEventsEntryResult => {
      const busName = busNameOf(entry.EventBusName);
      if (!this.#buses.has(busName)) {
        return {
          ErrorCode: 'ResourceNotFoundException',
          ErrorMessage: `Event bus ${busName} does not exist.`,
        };
      }
      if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required.' };
      }
      if (entry.Source.startsWith('aws.')) {
        return {
          ErrorCode: 'NotAuthorizedForSourceException',
          ErrorMessage: 'Not authorized for the source.',
        };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        detail = undefined;
      }
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: this.#options.accountId,
        time: eventTime(entry.Time, this.#options.clock),
        region: this.#options.region,
        resources: entry.Resources ?? [],
        detail: detail as Record<string, unknown>,
      };
      this.publish(busName, event);
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /**
   * Puts an already-shaped event on a bus (the runtime uses it for AWS-sourced events such as
   * S3 "Object Created", which PutEvents would refuse).
   */
  publish(busName: string, event: BusEvent): PublishedEvent {
    const matched = this.#rules.filter((r) => r.busName === busName && matchesEventPattern(r.pattern, event));
    const published: PublishedEvent = { busName, event, matchedRules: matched.map((r) => r.id) };
    this.#history.push(published);
    const limit = this.#options.historyLimit ?? 1000;
    if (this.#history.length > limit) this.#history.splice(0, this.#history.length - limit);
    for (const listener of this.#listeners) {
      try {
        listener(published);
      } catch {
        // A console listener must never break publishing.
      }
    }
    for (const rule of matched) rule.target(event);
    return published;
  }

  /** Events published so far, oldest first (at most historyLimit). */
  publishedEvents(): PublishedEvent[] {
    return [...this.#history];
  }

  /** Calls `listener` for every event published from now on; returns the unsubscribe function. */
  onEvent(listener: (published: PublishedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** `EventBusName` may be a name or an ARN; absent means the default bus. */
function busNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return 'default';
  const slash = nameOrArn.lastIndexOf('/');
  return nameOrArn.startsWith('arn:') && slash >= 0 ? nameOrArn.slice(slash + 1) : nameOrArn;
}

/** EventBridge's `time`: second precision, `Z`. */
export function eventTimeFromDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function eventTime(time: number | string | undefined, clock: Clock): string {
  if (time === undefined) return eventTimeFromDate(clock.now());
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return Number.isNaN(date.getTime()) ? eventTimeFromDate(clock.now()) : eventTimeFromDate(date);
}
