import { InvalidEventPatternError } from './errors.ts';

/**
 * EventBridge content filtering, as the local bus applies it to rules from the wiring manifest.
 * Semantics follow the EventBridge user guide ("Creating event patterns", "Content filtering"):
 * - every field named in the pattern must match (AND); the values listed for one field are OR;
 * - a pattern object nests into an event object; an event array matches when one element matches
 *   (for objects, all fields of one sub-pattern must hold in the same element);
 * - leaf matchers: exact string / number / boolean / null, `prefix`, `suffix`, `equals-ignore-case`,
 *   `wildcard`, `anything-but` (value, list, prefix, suffix, equals-ignore-case, wildcard), `numeric`,
 *   `exists`, `cidr` (IPv4 and IPv6), and `$or` at any object level.
 */

/** An event pattern: field → list of leaf matchers, or a nested pattern; `$or` → list of patterns. */
export type EventPattern = { readonly [field: string]: unknown };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** True when `event` matches `pattern`. The pattern is assumed valid (see validateEventPattern). */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function matchObject(pattern: EventPattern, value: unknown): boolean {
  if (Array.isArray(value)) {
    // Arrays are OR: one element has to satisfy the whole sub-pattern (array consistency).
    if (value.length === 0) return matchObject(pattern, undefined);
    return value.some((element) => matchObject(pattern, element));
  }
  const node = isPlainObject(value) ? value : undefined;
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(sub as EventPattern[]).some((alternative) => matchObject(alternative, value))) return false;
      continue;
    }
    const child = node?.[key];
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub, child)) return false;
    } else if (!matchObject(sub as EventPattern, child)) {
      return false;
    }
  }
  return true;
}

/** Leaf values at a field: scalars, with arrays flattened; objects are not leaves. */
function leafValues(value: unknown): Json[] {
  if (value === undefined || isPlainObject(value)) return [];
  if (!Array.isArray(value)) return [value as Json];
  return value.flatMap((element) => leafValues(element));
}

function matchLeaf(matchers: readonly unknown[], value: unknown): boolean {
  const values = leafValues(value);
  if (values.length === 0) return matchers.some((m) => isPlainObject(m) && m.exists === false);
  return matchers.some((matcher) => values.some((v) => matchValue(matcher, v)));
}

function matchValue(matcher: unknown, v: Json): boolean {
  if (!isPlainObject(matcher)) return equalsExactly(matcher, v);
  const [op, arg] = Object.entries(matcher)[0] ?? [];
  switch (op) {
    case 'exists':
      return arg === true;
    case 'prefix':
      return typeof v === 'string' && affix(arg, v, (s, a) => s.startsWith(a));
    case 'suffix':
      return typeof v === 'string' && affix(arg, v, (s, a) => s.endsWith(a));
    case 'equals-ignore-case':
      return typeof v === 'string' && oneOf(arg).some((a) => a.toLowerCase() === v.toLowerCase());
    case 'wildcard':
      return typeof v === 'string' && oneOf(arg).some((a) => wildcardRegExp(a).test(v));
    case 'numeric':
      return typeof v === 'number' && matchNumeric(arg as unknown[], v);
    case 'cidr':
      return typeof v === 'string' && inCidr(arg as string, v);
    case 'anything-but':
      return !matchAnythingButInner(arg, v);
    default:
      return false;
  }
}

function equalsExactly(expected: unknown, v: Json): boolean {
  if (typeof expected === 'number') return typeof v === 'number' && v === expected;
  return expected === v;
}

function oneOf(arg: unknown): string[] {
  return (Array.isArray(arg) ? arg : [arg]) as string[];
}

function affix(arg: unknown, v: string, test: (s: string, a: string) => boolean): boolean {
  if (isPlainObject(arg)) {
    const a = arg['equals-ignore-case'] as string;
    return test(v.toLowerCase(), a.toLowerCase());
  }
  return test(v, arg as string);
}

/** What `anything-but` excludes: true when `v` is one of the excluded values. */
function matchAnythingButInner(arg: unknown, v: Json): boolean {
  if (Array.isArray(arg)) return arg.some((a) => equalsExactly(a, v));
  if (isPlainObject(arg)) return matchValue(arg, v);
  return equalsExactly(arg, v);
}

const wildcardCache = new Map<string, RegExp>();

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
function wildcardRegExp(pattern: string): RegExp {
  let re = wildcardCache.get(pattern);
  if (re) return re;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]!);
    } else if (c === '*') {
      source += '.*';
    } else {
      source += escapeRegExp(c);
    }
  }
  re = new RegExp(`^${source}$`, 's');
  wildcardCache.set(pattern, re);
  return re;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function matchNumeric(conditions: readonly unknown[], v: number): boolean {
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const op = conditions[i] as string;
    const bound = conditions[i + 1] as number;
    const ok =
      op === '='
        ? v === bound
        : op === '<'
          ? v < bound
          : op === '<='
            ? v <= bound
            : op === '>'
              ? v > bound
              : v >= bound;
    if (!ok) return false;
  }
  return true;
}

// --- cidr -------------------------------------------------------------------------------------

function inCidr(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const range = parseIp(base ?? '');
  const addr = parseIp(ip);
  if (!range || !addr || range.bits !== addr.bits) return false;
  const prefix = BigInt(bitsText ?? String(range.bits));
  const shift = BigInt(range.bits) - prefix;
  return range.value >> shift === addr.value >> shift;
}

function parseIp(text: string): { value: bigint; bits: 32 | 128 } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), bits: 32 };
  }
  if (!text.includes(':')) return undefined;
  const [head, tail, ...rest] = text.split('::');
  if (rest.length > 0) return undefined;
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n), bits: 128 };
}

// --- validation -------------------------------------------------------------------------------

/**
 * Throws InvalidEventPatternError when EventBridge would reject the pattern: a leaf that is not
 * an array, an empty matcher list, an unknown operator, a malformed `numeric` range or `cidr`.
 */
export function validateEventPattern(pattern: unknown, path = ''): asserts pattern is EventPattern {
  if (!isPlainObject(pattern)) fail(path, 'a pattern must be a JSON object');
  if (path === '' && Object.keys(pattern).length === 0) fail(path, 'a pattern must name at least one field');
  for (const [key, sub] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2) fail(at, '$or needs an array of at least two patterns');
      sub.forEach((alternative, i) => {
        validateEventPattern(alternative, `${at}[${i}]`);
      });
    } else if (Array.isArray(sub)) {
      if (sub.length === 0) fail(at, 'a list of matchers must not be empty');
      for (const matcher of sub) validateMatcher(matcher, at);
    } else if (isPlainObject(sub)) {
      validateEventPattern(sub, at);
    } else {
      fail(at, 'a field must map to an array of matchers or to a nested pattern');
    }
  }
}

function validateMatcher(matcher: unknown, at: string): void {
  if (matcher === null || ['string', 'number', 'boolean'].includes(typeof matcher)) return;
  if (!isPlainObject(matcher)) fail(at, 'a matcher is a string, number, boolean, null or an operator object');
  const entries = Object.entries(matcher);
  if (entries.length !== 1) fail(at, 'an operator object has exactly one operator');
  const [op, arg] = entries[0]!;
  switch (op) {
    case 'exists':
      if (typeof arg !== 'boolean') fail(at, 'exists takes true or false');
      return;
    case 'prefix':
    case 'suffix':
      if (typeof arg === 'string') return;
      if (
        isPlainObject(arg) &&
        typeof arg['equals-ignore-case'] === 'string' &&
        Object.keys(arg).length === 1
      )
        return;
      fail(at, `${op} takes a string or {"equals-ignore-case": string}`);
      break;
    case 'equals-ignore-case':
    case 'wildcard':
      if (typeof arg !== 'string') fail(at, `${op} takes a string`);
      return;
    case 'numeric':
      validateNumeric(arg, at);
      return;
    case 'cidr':
      if (typeof arg !== 'string' || !isCidr(arg))
        fail(at, 'cidr takes an IPv4 or IPv6 range like 10.0.0.0/24');
      return;
    case 'anything-but':
      validateAnythingBut(arg, at);
      return;
    default:
      fail(at, `unknown operator "${op}"`);
  }
}

function validateNumeric(arg: unknown, at: string): void {
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) {
    fail(at, 'numeric takes [op, n] or [op, n, op, n]');
  }
  for (let i = 0; i < arg.length; i += 2) {
    if (!NUMERIC_OPERATORS.has(arg[i]) || typeof arg[i + 1] !== 'number') {
      fail(at, `numeric operators are ${[...NUMERIC_OPERATORS].join(' ')} followed by a number`);
    }
  }
  if (arg.length === 4) {
    const [lo, , hi] = arg as string[];
    if (!lo?.startsWith('>') || !hi?.startsWith('<'))
      fail(at, 'a numeric range is [">"|">=", n, "<"|"<=", m]');
  }
}

function validateAnythingBut(arg: unknown, at: string): void {
  const scalar = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number';
  if (scalar(arg)) return;
  if (Array.isArray(arg)) {
    if (arg.length === 0 || !arg.every(scalar)) fail(at, 'anything-but takes a non-empty list of values');
    return;
  }
  if (isPlainObject(arg) && Object.keys(arg).length === 1) {
    const [op, inner] = Object.entries(arg)[0]!;
    if ((op === 'prefix' || op === 'suffix') && typeof inner === 'string') return;
    if (
      (op === 'equals-ignore-case' || op === 'wildcard') &&
      (typeof inner === 'string' || isStringList(inner))
    ) {
      return;
    }
  }
  fail(at, 'anything-but takes a value, a list, or {prefix|suffix|equals-ignore-case|wildcard}');
}

function isStringList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string');
}

function isCidr(text: string): boolean {
  const [base, bits, ...rest] = text.split('/');
  const ip = parseIp(base ?? '');
  if (!ip || rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= ip.bits;
}

function fail(at: string, message: string): never {
  throw new InvalidEventPatternError(`Invalid event pattern at ${at || '(root)'}: ${message}`, [
    { path: at || '(root)', message },
  ]);
}
