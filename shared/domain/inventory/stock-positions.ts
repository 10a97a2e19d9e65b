/**
 * Stock positions from the ERP/WMS, per SKU and location, each with the moment it was counted:
 *
 *     sku,location,onHand,asOf
 *     ACME-PAN-28,DE-WH1,120,2026-11-30T06:00:00Z
 *
 * or the same as JSON (`{"positions":[{"sku","location","onHand","asOf"}]}`, the body of
 * `POST /api/inventory/positions`). The older interim stock file (`sku,availableToPromise,asOf`,
 * one location) is still read: its quantity is the on-hand count of location `default`.
 * Every bad row or entry is reported with its number and field and left out; the rest is used.
 */
import * as z from 'zod';
import {
  cellOf,
  type FileProblem,
  mapColumns,
  readCsv,
  sortProblems,
  wholeNumber,
} from '../purchase-orders/catalog-file.ts';
import { parseInstant } from '../purchase-orders/stock-file.ts';

/** The location of the interim, location-less stock file. */
export const DEFAULT_LOCATION = 'default';

/** One count of one SKU at one location. JSON-safe. */
export interface LocationPosition {
  readonly sku: string;
  readonly location: string;
  /** Eaches physically there; never negative (a negative count is refused as a bad row). */
  readonly onHand: number;
  /** When it was counted, as an ISO-8601 UTC instant. */
  readonly asOf: string;
}

export interface PositionsResult {
  readonly positions: LocationPosition[];
  readonly problems: FileProblem[];
}

const COLUMNS = ['sku', 'location', 'onHand', 'availableToPromise', 'asOf'] as const;
type Column = (typeof COLUMNS)[number];
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._\-/ ]{0,99}$/;

function checkRow(
  raw: { sku: string; location: string; onHand: string; asOf: string },
  bad: (field: string, message: string, value: string) => void,
): LocationPosition | undefined {
  let ok = true;
  const fail = (field: string, message: string, value: string) => {
    ok = false;
    bad(field, message, value);
  };
  if (raw.sku === '') fail('sku', 'the SKU is empty', raw.sku);
  else if (!TOKEN.test(raw.sku)) fail('sku', 'letters, digits and . _ - / only, at most 100', raw.sku);
  if (!TOKEN.test(raw.location))
    fail('location', 'expected a location code (letters, digits, . _ - /)', raw.location);
  const onHand = wholeNumber(raw.onHand, { min: 0 });
  if (typeof onHand === 'string') fail('onHand', `${onHand} of eaches`, raw.onHand);
  const asOf = parseInstant(raw.asOf);
  if (typeof asOf !== 'string') fail('asOf', asOf.problem, raw.asOf);
  if (!ok) return undefined;
  return { sku: raw.sku, location: raw.location, onHand: onHand as number, asOf: asOf as string };
}

/** Parses a positions CSV (or the interim `sku,availableToPromise,asOf` file). */
export function parsePositionsCsv(text: string): PositionsResult {
  const { records, problems } = readCsv(text);
  const [header, ...rows] = records;
  const probe = mapColumns<Column>(header, ['sku', 'asOf'], ['location', 'onHand', 'availableToPromise']);
  problems.push(...probe.problems);
  const quantityColumn: Column | undefined =
    probe.index.onHand !== undefined
      ? 'onHand'
      : probe.index.availableToPromise !== undefined
        ? 'availableToPromise'
        : undefined;
  if (!quantityColumn && header) {
    problems.push({ row: header.row, field: 'onHand', message: 'the header has no onHand column' });
  }
  if (problems.some((p) => p.row === 1) || !quantityColumn) {
    return { positions: [], problems: sortProblems(problems) };
  }
  const positions: LocationPosition[] = [];
  for (const record of rows) {
    const position = checkRow(
      {
        sku: cellOf(record, probe, 'sku'),
        location: probe.index.location === undefined ? DEFAULT_LOCATION : cellOf(record, probe, 'location'),
        onHand: cellOf(record, probe, quantityColumn),
        asOf: cellOf(record, probe, 'asOf'),
      },
      (field, message, value) =>
        problems.push({
          row: record.row,
          field: field === 'onHand' ? quantityColumn : field,
          message,
          value,
        }),
    );
    if (position) positions.push(position);
  }
  return { positions, problems: sortProblems(problems) };
}

const jsonBodySchema = z.looseObject({ positions: z.array(z.unknown()).max(10_000) });
const entrySchema = z.looseObject({
  sku: z.string(),
  location: z.string().optional(),
  onHand: z.union([z.number(), z.string()]),
  asOf: z.string(),
});

/**
 * Parses the JSON form. Problems name the entry as `row` (1 = the first entry) and its field;
 * a body that is not `{ "positions": [...] }` is one problem on row 0.
 */
export function parsePositionsJson(body: unknown): PositionsResult {
  const top = jsonBodySchema.safeParse(body);
  if (!top.success) {
    return {
      positions: [],
      problems: [
        {
          row: 0,
          field: 'positions',
          message:
            'expected { "positions": [ { "sku", "location", "onHand", "asOf" } ] } with at most 10000 entries',
        },
      ],
    };
  }
  const problems: FileProblem[] = [];
  const positions: LocationPosition[] = [];
  top.data.positions.forEach((entry, i) => {
    const row = i + 1;
    const parsed = entrySchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ row, field: String(issue.path[0] ?? '(entry)'), message: issue.message });
      }
      return;
    }
    const position = checkRow(
      {
        sku: parsed.data.sku.trim(),
        location: (parsed.data.location ?? DEFAULT_LOCATION).trim(),
        onHand: String(parsed.data.onHand).trim(),
        asOf: parsed.data.asOf.trim(),
      },
      (field, message, value) => problems.push({ row, field, message, value }),
    );
    if (position) positions.push(position);
  });
  return { positions, problems: sortProblems(problems) };
}
