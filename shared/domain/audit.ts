import * as z from 'zod';
import { automationModuleSchema } from '../config/runtime.ts';

/**
 * The audit trail (ARCHITECTURE rule 5): one event per state change, kept in DynamoDB for the
 * console and in the archive for the record. Pure: no I/O here, only the shape and the keys.
 */

/** Who caused a change: an automation rule, a person (approver, operator) or the system itself. */
export const auditActorSchema = z.strictObject({
  type: z.enum(['rule', 'person', 'system']),
  /** Stable and pseudonymous: a rule id, a Cognito `sub`, `outbox`. */
  id: z.string().min(1).max(200),
  /** Display name. Kept in DynamoDB only: the archived copy leaves it out (rule 13). */
  name: z.string().min(1).max(200).optional(),
});
export type AuditActor = z.infer<typeof auditActorSchema>;

/** What an event is about: `PurchaseOrder 4R9DIAQD`, `CreditMemo CM-1`. */
export const auditEntitySchema = z.strictObject({
  type: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'expected a PascalCase entity type without #'),
  id: z.string().min(1).max(200),
});
export type AuditEntity = z.infer<typeof auditEntitySchema>;

/** One state change. `id` is unique and stable, so recording the same change twice stores it once. */
export const auditEventSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:#=+@-]{0,299}$/, 'expected an id usable in an S3 key'),
  at: z.iso.datetime(),
  actor: auditActorSchema,
  /** Dotted verb, `outbox.sent`, `creditMemo.approved`. */
  action: z.string().regex(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9-]*)+$/, 'expected a dotted action'),
  entity: auditEntitySchema,
  reason: z.string().max(2000),
  before: z.record(z.string(), z.unknown()).optional(),
  after: z.record(z.string(), z.unknown()).optional(),
  module: automationModuleSchema.optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** The UTC day of an ISO timestamp: the partition of the audit log view and of the archive. */
export function auditDay(at: string): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Archive key of an audit event: one JSON line per object, partitioned by day for Athena. */
export function auditArchiveKey(event: AuditEvent): string {
  return `audit/dt=${auditDay(event.at)}/${event.id}.json`;
}

/**
 * The archived form of an audit event: one JSON line without the actor's display name, since
 * Object Lock makes an archived name impossible to erase; the actor's id stays.
 */
export function auditArchiveLine(event: AuditEvent): string {
  const { name: _name, ...actor } = event.actor;
  return `${JSON.stringify({ ...event, actor })}\n`;
}
