import type { AuditEvent } from '../../domain/audit.ts';
import type { AuditArchive, AuditLog, AuditTrail } from './ports.ts';

/**
 * The audit trail of rule 5: each event in DynamoDB (for the console) and in the archive (for
 * the record). The archive copy is written even when DynamoDB already had the event, since a
 * crash between the two writes must not leave the archive without it; the archive key is the
 * event id, so a repeat adds an identical version, never a second event.
 */
export function makeAuditTrail(deps: { log: AuditLog; archive: AuditArchive }): AuditTrail {
  return {
    async record(event: AuditEvent): Promise<void> {
      await deps.log.record(event);
      await deps.archive.putAuditEvent(event);
    },
  };
}
