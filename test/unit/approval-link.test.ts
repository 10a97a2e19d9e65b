import { describe, expect, it } from 'vitest';
import {
  ApprovalLinkError,
  signApprovalLink,
  verifyApprovalLink,
} from '#shared/domain/approvals/approval-link.ts';

const keys = { current: 'k-current' };
const claims = { approvalId: 'APR-1', approver: 'maria', expiresAt: '2026-12-02T10:00:00.000Z' };
const before = new Date('2026-12-01T10:00:00Z');

function refusal(fn: () => unknown): ApprovalLinkError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApprovalLinkError) return error;
    throw error;
  }
  throw new Error('expected the link to be refused');
}

describe('approval links', () => {
  it('round-trips the claims of a genuine link before it expires', () => {
    expect(verifyApprovalLink(signApprovalLink(claims, keys), keys, before)).toEqual(claims);
  });

  it('refuses a link at and after its expiry', () => {
    const token = signApprovalLink(claims, keys);
    expect(refusal(() => verifyApprovalLink(token, keys, new Date(claims.expiresAt))).reason).toBe('expired');
  });

  it('refuses changed claims, another key and a truncated signature as forged', () => {
    const token = signApprovalLink(claims, keys);
    const [, signature] = token.split('.');
    const otherApprover = signApprovalLink({ ...claims, approver: 'mallory' }, { current: 'other' });
    const [otherBody] = otherApprover.split('.');
    expect(refusal(() => verifyApprovalLink(`${otherBody}.${signature}`, keys, before)).reason).toBe(
      'forged',
    );
    expect(refusal(() => verifyApprovalLink(otherApprover, keys, before)).reason).toBe('forged');
    expect(refusal(() => verifyApprovalLink(token.slice(0, -4), keys, before)).reason).toBe('forged');
  });

  it('refuses garbage as malformed', () => {
    for (const token of ['', 'abc', 'a.b.c', '.sig']) {
      expect(refusal(() => verifyApprovalLink(token, keys, before)).reason).toBe('malformed');
    }
  });

  it('verifies links signed with the previous key after a rotation, and only with the keys given', () => {
    const old = signApprovalLink(claims, { current: 'k-old' });
    expect(verifyApprovalLink(old, { current: 'k-new', previous: 'k-old' }, before).approvalId).toBe('APR-1');
    expect(refusal(() => verifyApprovalLink(old, { current: 'k-new' }, before)).reason).toBe('forged');
  });
});
