import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { DomainEvent, EventPublisher } from '../ports.ts';
import type { Finding, PaymentsStore } from './ports.ts';

/** The stable id of a finding: `<vendorCode>:<the domain's id>` (stored and announced once). */
export function findingId(vendorCode: string, id: string): string {
  return `${vendorCode}:${id}`;
}

/**
 * Stores each finding unless stored and puts the ones not announced yet on the bus (ten an event
 * batch), marking each announced after its batch went out: a crash in between announces again,
 * never never.
 */
export async function announceFindings(
  deps: {
    readonly store: Pick<PaymentsStore, 'putFinding' | 'markAnnounced'>;
    readonly events: EventPublisher;
  },
  findings: readonly Finding[],
  toEvent: (f: Finding) => DomainEvent,
): Promise<Finding[]> {
  const due: Finding[] = [];
  for (const f of findings) if ((await deps.store.putFinding(f)) !== 'announced') due.push(f);
  for (let i = 0; i < due.length; i += 10) {
    const slice = due.slice(i, i + 10);
    await deps.events.publish(slice.map(toEvent));
    for (const f of slice) await deps.store.markAnnounced(f.id);
  }
  return due;
}

/** The bus event of a finding. */
export function toEvent(f: Finding): DomainEvent {
  if (f.type === 'credit-request') {
    return { source: EVENT_SOURCE.payments, detailType: DETAIL_TYPE.creditRequested, detail: f.detail };
  }
  return {
    source: EVENT_SOURCE.payments,
    detailType:
      f.type === 'dispute' ? DETAIL_TYPE.disputeCandidateFound : DETAIL_TYPE.paymentDiscrepancyFound,
    detail: { ...f.detail, id: f.id },
  };
}
