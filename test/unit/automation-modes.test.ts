import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import type { AuditEvent } from '#shared/domain/audit.ts';
import { type ModeOverrides, NO_OVERRIDES } from '#shared/domain/automation-modes.ts';
import { ConflictError } from '#shared/errors.ts';
import { makeListModes, makeModeReader, makeSwitchMode } from '#shared/use-cases/console/automation-modes.ts';
import type { ModeOverrideStore } from '#shared/use-cases/console/ports.ts';
import { makeOutbox } from '#shared/use-cases/outbox/outbox.ts';
import type { SendRequest } from '#shared/use-cases/outbox/ports.ts';
import { InMemoryOutboxStore } from '../support/outbox-fakes.ts';

/** The override item with the DynamoDB adapter's conditional rule: a write names the version it read. */
class InMemoryOverrides implements ModeOverrideStore {
  stored: ModeOverrides = NO_OVERRIDES;
  reads = 0;
  async read(): Promise<ModeOverrides> {
    this.reads++;
    return this.stored;
  }
  async write(next: ModeOverrides, expectedVersion: number): Promise<'written' | 'conflict'> {
    if (this.stored.version !== expectedVersion) return 'conflict';
    this.stored = next;
    return 'written';
  }
}

const admin = { type: 'person' as const, id: 'sub-admin', name: 'Ada Admin' };

function setup() {
  const clock = new ManualClock('2026-05-01T08:00:00.000Z');
  const store = new InMemoryOverrides();
  const events: AuditEvent[] = [];
  const audit = { record: async (e: AuditEvent) => void events.push(e) };
  const configured = { purchaseOrders: 'live' as const };
  return {
    clock,
    store,
    events,
    switchMode: makeSwitchMode({ store, configured, clock, audit }),
    modeOf: makeModeReader({ store, configured, clock, cacheMs: 5_000 }),
    list: makeListModes({ store, configured }),
  };
}

describe('automation-mode overrides', () => {
  it('start from the configuration, then the switch wins; audited with the admin as actor', async () => {
    const { switchMode, list, events } = setup();
    expect((await list()).modules.find((m) => m.module === 'purchaseOrders')).toEqual(
      expect.objectContaining({ mode: 'live', source: 'configuration' }),
    );
    expect((await list()).modules.find((m) => m.module === 'invoices')).toEqual(
      expect.objectContaining({ mode: 'simulate', source: 'default' }),
    );

    const result = await switchMode({
      module: 'purchaseOrders',
      mode: 'simulate',
      expectedVersion: 0,
      actor: admin,
    });

    expect(result).toEqual(expect.objectContaining({ changed: true, version: 1 }));
    expect((await list()).modules.find((m) => m.module === 'purchaseOrders')).toEqual(
      expect.objectContaining({ mode: 'simulate', source: 'console', configured: 'live' }),
    );
    expect(events).toEqual([
      expect.objectContaining({
        action: 'automation.switched',
        actor: admin,
        entity: { type: 'AutomationModule', id: 'purchaseOrders' },
        before: expect.objectContaining({ mode: 'live' }),
        after: expect.objectContaining({ mode: 'simulate', version: 1 }),
      }),
    ]);
  });

  it('refuses a switch on a stale version and changes nothing', async () => {
    const { switchMode, store, events } = setup();
    await switchMode({ module: 'shipments', mode: 'live', expectedVersion: 0, actor: admin });
    await expect(
      switchMode({ module: 'shipments', mode: 'off', expectedVersion: 0, actor: admin }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(store.stored.modes.shipments).toBe('live');
    expect(events).toHaveLength(1);
  });

  it('are read at most once per cache period, and a switch applies once it expires', async () => {
    const { switchMode, modeOf, store, clock } = setup();
    expect(await modeOf('purchaseOrders')).toBe('live');
    await switchMode({ module: 'purchaseOrders', mode: 'off', actor: admin });
    const reads = store.reads;
    expect(await modeOf('purchaseOrders')).toBe('live');
    expect(store.reads).toBe(reads);
    clock.advance(5_000);
    expect(await modeOf('purchaseOrders')).toBe('off');
  });

  it('make the outbox send nothing once a live module is switched to simulate', async () => {
    const { switchMode, modeOf, clock } = setup();
    const sent: SendRequest[] = [];
    const outbox = makeOutbox({
      store: new InMemoryOutboxStore(),
      archive: { putDocument: async () => {} },
      audit: { record: async () => {} },
      clock,
      modeOf,
      senders: {
        submitAcknowledgement: {
          send: async (r) => {
            sent.push(r);
            return { transactionId: 't' };
          },
        },
      },
      resolvers: {},
      leaseMs: 60_000,
    });
    await switchMode({ module: 'purchaseOrders', mode: 'simulate', actor: admin });
    await outbox.enqueue({
      key: 'ack#PO1#1',
      module: 'purchaseOrders',
      operation: 'submitAcknowledgement',
      target: 'acct',
      subject: { type: 'PurchaseOrder', id: 'PO1' },
      payload: { acknowledgements: [] },
      actor: admin,
    });

    const outcome = await outbox.dispatch('ack#PO1#1');

    expect(outcome.kind).toBe('simulated');
    expect(sent).toEqual([]);
  });
});
