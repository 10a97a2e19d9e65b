import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '#shared/domain/audit.ts';
import { makeAuditTrail } from '#shared/use-cases/outbox/audit-trail.ts';

const event: AuditEvent = {
  id: 'e-1',
  at: '2026-03-01T10:00:00.000Z',
  actor: { type: 'person', id: 'sub-1', name: 'Grace' },
  action: 'creditMemo.approved',
  entity: { type: 'CreditMemo', id: 'CM-1' },
  reason: 'approved',
};

describe('the audit trail', () => {
  it('writes the event to the log and to the archive', async () => {
    const written: string[] = [];
    const trail = makeAuditTrail({
      log: {
        record: async (e) => {
          written.push(`log:${e.id}`);
          return 'recorded';
        },
      },
      archive: { putAuditEvent: async (e) => void written.push(`archive:${e.id}`) },
    });
    await trail.record(event);
    expect(written).toEqual(['log:e-1', 'archive:e-1']);
  });

  it('still archives an event the log already had, so a crash between the two loses nothing', async () => {
    const archived: AuditEvent[] = [];
    const trail = makeAuditTrail({
      log: { record: async () => 'duplicate' },
      archive: { putAuditEvent: async (e) => void archived.push(e) },
    });
    await trail.record(event);
    expect(archived).toEqual([event]);
  });
});
