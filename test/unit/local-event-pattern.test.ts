import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError } from '#local/runtime/errors.ts';
import {
  type EventPattern,
  matchesEventPattern,
  validateEventPattern,
} from '#local/runtime/event-pattern.ts';

// Cases follow the EventBridge user guide ("Creating event patterns", "Content filtering in
// Amazon EventBridge event patterns"), using its EC2 state-change example event.
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.123',
    location: 'us-east-1',
    'nullable-field': null,
    'empty-field': '',
    tags: ['prod', 'web'],
    orders: [
      { sku: 'A-1', qty: 1 },
      { sku: 'B-2', qty: 5 },
    ],
  },
};

function matches(pattern: EventPattern, event: unknown = ec2Event): boolean {
  validateEventPattern(pattern);
  return matchesEventPattern(pattern, event);
}

describe('matchesEventPattern', () => {
  describe('exact values', () => {
    it('matches when every named field has one of the listed values', () => {
      expect(
        matches({ source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] }),
      ).toBe(true);
      expect(matches({ source: ['aws.s3', 'aws.ec2'] })).toBe(true);
    });

    it('rejects when one named field differs', () => {
      expect(matches({ source: ['aws.ec2'], region: ['eu-west-1'] })).toBe(false);
    });

    it('matches nested objects field by field', () => {
      expect(matches({ detail: { state: ['terminated'], 'instance-id': ['i-1234567890abcdef0'] } })).toBe(
        true,
      );
      expect(matches({ detail: { state: ['running'] } })).toBe(false);
    });

    it('compares numbers numerically and never equal to strings', () => {
      expect(matches({ detail: { 'c-count': [5] } })).toBe(true);
      expect(matches({ detail: { 'c-count': [5.0] } })).toBe(true);
      expect(matches({ detail: { 'c-count': ['5'] } })).toBe(false);
    });

    it('matches null and the empty string only exactly', () => {
      expect(matches({ detail: { 'nullable-field': [null] } })).toBe(true);
      expect(matches({ detail: { 'empty-field': [''] } })).toBe(true);
      expect(matches({ detail: { 'empty-field': [null] } })).toBe(false);
      expect(matches({ detail: { 'missing-field': [null] } })).toBe(false);
    });

    it('matches booleans', () => {
      expect(matches({ detail: { ok: [true] } }, { detail: { ok: true } })).toBe(true);
      expect(matches({ detail: { ok: [true] } }, { detail: { ok: false } })).toBe(false);
    });

    it('is case-sensitive', () => {
      expect(matches({ detail: { state: ['Terminated'] } })).toBe(false);
    });
  });

  describe('arrays', () => {
    it('matches an event array when any element matches', () => {
      expect(
        matches({ resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'] }),
      ).toBe(true);
      expect(matches({ detail: { tags: ['web'] } })).toBe(true);
      expect(matches({ detail: { tags: ['staging'] } })).toBe(false);
    });

    it('requires the fields of one sub-pattern to hold in the same array element', () => {
      expect(matches({ detail: { orders: { sku: ['B-2'], qty: [5] } } })).toBe(true);
      expect(matches({ detail: { orders: { sku: ['A-1'], qty: [5] } } })).toBe(false);
    });
  });

  describe('prefix and suffix', () => {
    it('matches a string prefix', () => {
      expect(matches({ time: [{ prefix: '2017-12-22' }] })).toBe(true);
      expect(matches({ time: [{ prefix: '2018' }] })).toBe(false);
    });

    it('matches a string suffix', () => {
      expect(matches({ detail: { 'instance-id': [{ suffix: 'def0' }] } })).toBe(true);
      expect(matches({ detail: { 'instance-id': [{ suffix: 'DEF0' }] } })).toBe(false);
    });

    it('matches prefix and suffix ignoring case when asked', () => {
      expect(matches({ detail: { state: [{ prefix: { 'equals-ignore-case': 'TERM' } }] } })).toBe(true);
      expect(matches({ detail: { 'instance-id': [{ suffix: { 'equals-ignore-case': 'DEF0' } }] } })).toBe(
        true,
      );
    });

    it('never matches numbers with a prefix', () => {
      expect(matches({ detail: { 'c-count': [{ prefix: '5' }] } })).toBe(false);
    });
  });

  describe('anything-but', () => {
    it('matches values other than the one given', () => {
      expect(matches({ detail: { state: [{ 'anything-but': 'running' }] } })).toBe(true);
      expect(matches({ detail: { state: [{ 'anything-but': 'terminated' }] } })).toBe(false);
    });

    it('matches values outside a list of strings or numbers', () => {
      expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } })).toBe(true);
      expect(matches({ detail: { 'c-count': [{ 'anything-but': [5, 6] }] } })).toBe(false);
      expect(matches({ detail: { 'c-count': [{ 'anything-but': [1, 2] }] } })).toBe(true);
    });

    it('supports prefix, suffix, equals-ignore-case and wildcard inside', () => {
      expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } })).toBe(true);
      expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'term' } }] } })).toBe(false);
      expect(matches({ detail: { 'instance-id': [{ 'anything-but': { suffix: 'def0' } }] } })).toBe(false);
      expect(
        matches({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['TERMINATED'] } }] } }),
      ).toBe(false);
      expect(matches({ detail: { state: [{ 'anything-but': { wildcard: 'term*' } }] } })).toBe(false);
    });

    it('does not match a missing field', () => {
      expect(matches({ detail: { 'missing-field': [{ 'anything-but': 'x' }] } })).toBe(false);
    });
  });

  describe('numeric', () => {
    it('matches ranges and single comparisons', () => {
      expect(matches({ detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } })).toBe(true);
      expect(matches({ detail: { 'd-count': [{ numeric: ['<', 10] }] } })).toBe(true);
      expect(matches({ detail: { 'x-limit': [{ numeric: ['=', 301.8] }] } })).toBe(true);
      expect(matches({ detail: { 'c-count': [{ numeric: ['>', 5] }] } })).toBe(false);
      expect(matches({ detail: { 'c-count': [{ numeric: ['>=', 5] }] } })).toBe(true);
    });

    it('never matches strings', () => {
      expect(matches({ detail: { state: [{ numeric: ['>', 0] }] } })).toBe(false);
    });
  });

  describe('exists', () => {
    it('matches present leaves for true and absent ones for false', () => {
      expect(matches({ detail: { state: [{ exists: true }] } })).toBe(true);
      expect(matches({ detail: { 'missing-field': [{ exists: true }] } })).toBe(false);
      expect(matches({ detail: { 'missing-field': [{ exists: false }] } })).toBe(true);
      expect(matches({ detail: { state: [{ exists: false }] } })).toBe(false);
    });

    it('treats null as present', () => {
      expect(matches({ detail: { 'nullable-field': [{ exists: true }] } })).toBe(true);
    });

    it('only looks at leaves, not objects', () => {
      expect(matches({ detail: [{ exists: true }] })).toBe(false);
    });

    it('matches exists:false when a whole parent object is missing', () => {
      expect(matches({ other: { field: [{ exists: false }] } })).toBe(true);
    });
  });

  describe('equals-ignore-case and wildcard', () => {
    it('compares strings ignoring case', () => {
      expect(
        matches({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }),
      ).toBe(true);
    });

    it('matches * as any run of characters', () => {
      expect(matches({ resources: [{ wildcard: 'arn:aws:ec2:*:instance/i-*' }] })).toBe(true);
      expect(matches({ detail: { state: [{ wildcard: 'term*ted' }] } })).toBe(true);
      expect(matches({ detail: { state: [{ wildcard: 'run*' }] } })).toBe(false);
    });

    it('treats an escaped star as a literal star', () => {
      expect(matches({ detail: { name: [{ wildcard: 'a\\*b' }] } }, { detail: { name: 'a*b' } })).toBe(true);
      expect(matches({ detail: { name: [{ wildcard: 'a\\*b' }] } }, { detail: { name: 'axxb' } })).toBe(
        false,
      );
    });

    it('does not treat regular-expression characters specially', () => {
      expect(matches({ detail: { name: [{ wildcard: 'a.c*' }] } }, { detail: { name: 'abcd' } })).toBe(false);
    });
  });

  describe('cidr', () => {
    it('matches IPv4 addresses inside the range', () => {
      expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } })).toBe(true);
      expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } })).toBe(false);
    });

    it('matches IPv6 addresses inside the range', () => {
      expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:0:1::5' })).toBe(true);
      expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::5' })).toBe(false);
    });
  });

  describe('$or', () => {
    it('matches when any alternative matches', () => {
      const pattern = {
        detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [{ numeric: ['<', 5] }] }] },
      };
      expect(matches(pattern)).toBe(true);
    });

    it('still requires the other fields', () => {
      const pattern = { source: ['aws.s3'], $or: [{ region: ['us-west-1'] }, { account: ['1'] }] };
      expect(matches(pattern)).toBe(false);
    });
  });

  it('matches an S3 Object Created event the way an inbox rule selects it', () => {
    const event = {
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: 'acorn-inbox' }, object: { key: 'returns/2026-11.csv', size: 10 } },
    };
    const pattern = {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['acorn-inbox'] }, object: { key: [{ prefix: 'returns/' }] } },
    };
    expect(matches(pattern, event)).toBe(true);
    expect(
      matches({ ...pattern, detail: { ...pattern.detail, object: { key: [{ prefix: 'remit/' }] } } }, event),
    ).toBe(false);
  });
});

describe('validateEventPattern', () => {
  it.each([
    ['a leaf that is not an array', { source: 'aws.ec2' }],
    ['an empty matcher list', { source: [] }],
    ['an unknown operator', { source: [{ regex: '.*' }] }],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['a numeric range in the wrong order', { n: [{ numeric: ['<', 5, '>', 1] }] }],
    ['a numeric operator without a number', { n: [{ numeric: ['>', '5'] }] }],
    ['exists that is not a boolean', { n: [{ exists: 'yes' }] }],
    ['a malformed cidr', { ip: [{ cidr: '10.0.0.0' }] }],
    ['an empty anything-but list', { s: [{ 'anything-but': [] }] }],
    ['$or with one alternative', { $or: [{ s: ['a'] }] }],
    ['an empty pattern', {}],
  ])('rejects %s', (_name, pattern) => {
    expect(() => validateEventPattern(pattern)).toThrow(InvalidEventPatternError);
  });

  it('accepts every operator in its documented forms', () => {
    expect(() =>
      validateEventPattern({
        source: ['a', 1, true, null],
        p: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'x' } }, { suffix: 'y' }],
        a: [{ 'anything-but': ['x', 'y'] }, { 'anything-but': { prefix: 'z' } }, { 'anything-but': 5 }],
        n: [{ numeric: ['>=', 0, '<', 10] }, { numeric: ['=', 3] }],
        e: [{ exists: false }, { 'equals-ignore-case': 'q' }, { wildcard: 'a*' }, { cidr: '10.0.0.0/8' }],
        nested: { deeper: [{ exists: true }] },
        $or: [{ x: ['1'] }, { y: ['2'] }],
      }),
    ).not.toThrow();
  });
});
