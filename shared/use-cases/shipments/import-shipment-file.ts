import type { AuditActor } from '../../domain/audit.ts';
import { type FileProblem, sortProblems } from '../../domain/purchase-orders/catalog-file.ts';
import {
  parseShipmentFile,
  parseShipmentJson,
  type ShipmentFileResult,
} from '../../domain/shipments/shipment-file.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { EventPublisher } from '../ports.ts';
import type { ShipmentRegistration, ShipmentSource } from './register-shipments.ts';
import { WAREHOUSE_FILE_ACTOR } from './send-shipment.ts';

/** What one shipment file (or push) did. */
export interface ShipmentFileSummary {
  readonly file: string;
  /** Item rows read. */
  readonly rows: number;
  readonly shipments: readonly ShipmentRegistration[];
  /** Shipments the file alone already refused (a bad row of theirs). */
  readonly refusedInFile: readonly string[];
  /** Every problem of the file and of its shipments against the POs, in row order. */
  readonly problems: readonly FileProblem[];
}

type Register = (
  shipments: ShipmentFileResult['shipments'],
  source: ShipmentSource,
) => Promise<ShipmentRegistration[]>;

async function registerParsed(
  register: Register,
  parsed: ShipmentFileResult,
  source: ShipmentSource,
): Promise<ShipmentFileSummary> {
  const shipments = await register(parsed.shipments, source);
  return {
    file: source.name,
    rows: parsed.rows,
    shipments,
    refusedInFile: parsed.rejectedShipments,
    problems: sortProblems([...parsed.problems, ...shipments.flatMap((s) => s.problems)]),
  };
}

/**
 * A warehouse shipment file from the inbox (`shipments/`, CSV or JSON): every good shipment is
 * registered and confirmed; every bad row is reported with its row number and field in one
 * InboxFileRejectedRows event, and the file stays in the inbox.
 */
export function makeImportShipmentFile(deps: {
  read: (key: string) => Promise<string>;
  register: Register;
  events: EventPublisher;
}) {
  return async function importShipmentFile(key: string): Promise<ShipmentFileSummary> {
    const parsed = parseShipmentFile(key, await deps.read(key));
    const summary = await registerParsed(deps.register, parsed, { name: key, actor: WAREHOUSE_FILE_ACTOR });
    if (summary.problems.length > 0) {
      await deps.events.publish([
        {
          source: EVENT_SOURCE.shipments,
          detailType: DETAIL_TYPE.inboxFileRejectedRows,
          detail: {
            kind: 'shipments',
            file: key,
            refusedShipments: [
              ...summary.refusedInFile,
              ...summary.shipments.filter((s) => s.outcome === 'refused').map((s) => s.shipmentId),
            ],
            problems: summary.problems.slice(0, 200),
            totalProblems: summary.problems.length,
          },
        },
      ]);
    }
    return summary;
  };
}

/**
 * Shipments pushed by the warehouse (`POST /api/shipments`, the JSON form of the file): the same
 * checks and registration as a file; the caller answers with the problems.
 */
export function makeReceiveShipments(deps: { register: Register }) {
  return async function receiveShipments(body: unknown, actor: AuditActor): Promise<ShipmentFileSummary> {
    return registerParsed(deps.register, parseShipmentJson(body), { name: 'push', actor });
  };
}
