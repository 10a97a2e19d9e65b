import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import { ApprovalRefusedError, csrfNonce, verifySlackSignature } from '#shared/domain/approvals/approval.ts';
import { ApprovalLinkError, signApprovalLink } from '#shared/domain/approvals/approval-link.ts';
import { DETAIL_TYPE } from '#shared/events.ts';
import { makeApprovalDesk } from '#shared/use-cases/credit-memos/approvals.ts';
import { makeCreditMemoWorkflow } from '#shared/use-cases/credit-memos/workflow.ts';
import { fakeCreditMemoDeps, LINK_KEYS } from '../support/credit-memo-fakes.ts';

const RETURN = {
  vendorCode: 'ACMEDE',
  marketplace: 'DE',
  returnReference: 'RN-1',
  source: 'api',
  returnDate: '2026-12-01T08:00:00.000Z',
  respondBy: '2026-12-04T08:00:00.000Z',
  currency: 'EUR',
  items: [{ asin: 'B0C4K7XQ2M', purchaseOrderNumber: '4Z32PABC', quantity: 2 }],
  status: 'Delivered to Warehouse',
};

describe('approvals', () => {
  let clock: ManualClock;
  let fake: ReturnType<typeof fakeCreditMemoDeps>;
  let desk: ReturnType<typeof makeApprovalDesk>;
  let approvalId: string;
  const memoId = 'RET-ACMEDE-RN-1';

  /** A pending approval for a memo, as the workflow leaves it (policy asked a person). */
  beforeEach(async () => {
    clock = new ManualClock('2026-12-01T10:00:00.000Z');
    fake = fakeCreditMemoDeps(clock);
    const workflow = makeCreditMemoWorkflow(fake.deps);
    await workflow.claim({ detailType: DETAIL_TYPE.returnReceived, detail: RETURN });
    await workflow.prepare({ memoId });
    ({ approvalId } = await workflow.requestApproval({ memoId, taskToken: 'TOKEN-SECRET-1' }));
    desk = makeApprovalDesk(fake.deps);
  });

  const link = (approver = 'Dana Approver', expiresAt = '2026-12-02T10:00:00.000Z', keys = LINK_KEYS) =>
    signApprovalLink({ approvalId, approver, expiresAt }, keys);

  const decide = async (
    token: string,
    outcome: 'approved' | 'rejected' = 'approved',
    csrfOverride?: string,
  ) => {
    // The nonce the review page would have put in its form and cookie.
    const csrf = csrfOverride ?? csrfNonce(LINK_KEYS.current, token);
    return desk.decideByLink({
      approvalId,
      token,
      csrfForm: csrf,
      csrfCookie: csrf,
      outcome,
      note: '',
      context: { sourceIp: '203.0.113.9', userAgent: 'test' },
    });
  };

  it('emails every approver and posts to Slack, with no token or link in the outbox payload', () => {
    const emails = fake.sent.filter((s) => s.operation === 'sendEmail');
    expect(emails).toHaveLength(2);
    expect(fake.sent.filter((s) => s.operation === 'postSlackMessage')).toHaveLength(1);
    for (const message of fake.sent) {
      expect(message.payload).not.toContain('TOKEN-SECRET-1');
      expect(message.payload).not.toMatch(/\?t=|dana@example\.com|Dana Approver/);
    }
  });

  it('shows the review page for a genuine link and changes nothing (GET, HEAD, scanners)', async () => {
    const review = await desk.review(approvalId, link());
    expect(review.approval.state).toBe('pending');
    expect(JSON.stringify(review)).not.toContain('TOKEN-SECRET-1');
    await desk.review(approvalId, link());
    expect(fake.approvals.items.get(approvalId)?.state).toBe('pending');
    expect(fake.callbacks.calls).toEqual([]);
  });

  it('refuses a forged, tampered, expired or other-approval link', async () => {
    const forged = signApprovalLink(
      { approvalId, approver: 'Dana Approver', expiresAt: '2026-12-02T10:00:00.000Z' },
      { current: 'x'.repeat(48) },
    );
    await expect(desk.review(approvalId, forged)).rejects.toMatchObject({ reason: 'forged' });
    const genuine = link();
    const tampered = `${Buffer.from(JSON.stringify({ v: 1, a: approvalId, u: 'Dana Approver', e: 1_999_999_999 })).toString('base64url')}.${genuine.split('.')[1]}`;
    await expect(desk.review(approvalId, tampered)).rejects.toBeInstanceOf(ApprovalLinkError);
    await expect(
      desk.review(approvalId, link('Dana Approver', '2026-12-01T09:00:00.000Z')),
    ).rejects.toMatchObject({ reason: 'expired' });
    await expect(desk.review('another-approval-id-0000', genuine)).rejects.toMatchObject({
      reason: 'forged',
    });
    expect(fake.approvals.items.get(approvalId)?.state).toBe('pending');
  });

  it('accepts a link signed with the previous key after a rotation', async () => {
    const old = signApprovalLink(
      { approvalId, approver: 'Dana Approver', expiresAt: '2026-12-02T10:00:00.000Z' },
      { current: LINK_KEYS.previous },
    );
    await expect(desk.review(approvalId, old)).resolves.toMatchObject({ approver: 'Dana Approver' });
  });

  it('refuses a POST without the page’s CSRF nonce (a cross-site form)', async () => {
    await expect(
      desk.decideByLink({
        approvalId,
        token: link(),
        csrfForm: 'guess',
        csrfCookie: undefined,
        outcome: 'approved',
        note: '',
        context: {},
      }),
    ).rejects.toMatchObject({ reason: 'csrf' });
    expect(fake.approvals.items.get(approvalId)?.state).toBe('pending');
  });

  it('refuses an approver who is not configured', async () => {
    await expect(decide(link('Mallory'))).rejects.toMatchObject({ reason: 'not-an-approver' });
    expect(fake.callbacks.calls).toEqual([]);
  });

  it('records the decision before telling the workflow; a replay or a second approver gets "already decided"', async () => {
    await expect(decide(link())).resolves.toMatchObject({ state: 'approved' });
    expect(fake.callbacks.calls).toEqual([
      { kind: 'success', token: 'TOKEN-SECRET-1', approvalStateAtCall: 'approved' },
    ]);
    expect(fake.memos.items.get(memoId)?.state).toBe('approved');
    await expect(decide(link())).rejects.toMatchObject({ reason: 'already-decided' });
    await expect(decide(link('Eli Approver'), 'rejected')).rejects.toBeInstanceOf(ApprovalRefusedError);
    expect(fake.callbacks.calls).toHaveLength(1);
    const decision = fake.approvals.items.get(approvalId)?.decision;
    expect(decision).toMatchObject({ by: 'Dana Approver', via: 'link', sourceIp: '203.0.113.9' });
    expect(fake.audit.filter((e) => e.action === 'approval.refused')).toHaveLength(2);
    const archivedRecord = fake.archived.find((d) => d.key.includes('/approvals/'));
    expect(archivedRecord?.body).not.toMatch(/Dana|203\.0\.113\.9|TOKEN/);
  });

  it('fails the workflow task with ApprovalRejected on a rejection', async () => {
    await decide(link(), 'rejected');
    expect(fake.callbacks.calls).toEqual([
      {
        kind: 'failure',
        token: 'TOKEN-SECRET-1',
        error: 'ApprovalRejected',
        approvalStateAtCall: 'rejected',
      },
    ]);
    expect(fake.memos.items.get(memoId)?.state).toBe('rejected');
  });

  it('takes a Slack click only from a configured approver', async () => {
    await expect(
      desk.decideBySlack({ slackUserId: 'U0MALLORY', approvalId, outcome: 'approved' }),
    ).rejects.toMatchObject({ reason: 'not-an-approver' });
    await expect(
      desk.decideBySlack({ slackUserId: 'U0ELI', approvalId, outcome: 'approved' }),
    ).resolves.toMatchObject({ state: 'approved' });
    await expect(
      desk.decideBySlack({ slackUserId: 'U0DANA', approvalId, outcome: 'rejected' }),
    ).rejects.toMatchObject({ reason: 'already-decided' });
  });

  it('hands a decision made while a resumed run took over the approval to that run, asking no one again', async () => {
    // The approver clicks (with the old run's token) between the resumed run's read and its takeover.
    const takeOver = fake.approvals.replaceToken.bind(fake.approvals);
    let raced = false;
    fake.approvals.replaceToken = async (id: string, token: string) => {
      if (!raced) {
        raced = true;
        await decide(link());
      }
      return takeOver(id, token);
    };
    const emailsBefore = fake.sent.length;
    const resumed = await makeCreditMemoWorkflow(fake.deps).requestApproval({
      memoId,
      taskToken: 'TOKEN-RESUMED',
    });
    expect(resumed).toEqual({ approvalId });
    expect(fake.approvals.items.size).toBe(1);
    expect(fake.sent.length).toBe(emailsBefore);
    expect(fake.callbacks.calls.map((c) => [c.kind, c.token])).toEqual([
      ['success', 'TOKEN-SECRET-1'],
      ['success', 'TOKEN-RESUMED'],
    ]);
  });

  it('takes a console decision from a signed-in configured approver, by name or email, auditing the user', async () => {
    const signedIn = (name: string, outcome: 'approved' | 'rejected' = 'approved') =>
      desk.decideSignedIn({
        approvalId,
        user: { id: 'cognito-sub-7', name },
        outcome,
        note: 'checked the return',
        context: { sourceIp: '203.0.113.9' },
      });
    await expect(signedIn('mallory@example.com')).rejects.toMatchObject({ reason: 'not-an-approver' });
    expect(fake.callbacks.calls).toEqual([]);

    await expect(signedIn('DANA@example.com')).resolves.toMatchObject({ state: 'approved', memoId });
    expect(fake.callbacks.calls).toEqual([
      { kind: 'success', token: 'TOKEN-SECRET-1', approvalStateAtCall: 'approved' },
    ]);
    expect(fake.approvals.items.get(approvalId)?.decision).toMatchObject({
      by: 'Dana Approver',
      via: 'console',
      note: 'checked the return',
    });
    expect(fake.audit.find((e) => e.action === 'creditMemo.approved')?.actor).toEqual({
      type: 'person',
      id: 'cognito-sub-7',
      name: 'DANA@example.com',
    });
    // The same decision again, or the other approver by name: already decided, nothing resent.
    await expect(signedIn('Eli Approver', 'rejected')).rejects.toMatchObject({ reason: 'already-decided' });
    expect(fake.callbacks.calls).toHaveLength(1);
  });

  it('reminds before the deadline, then expires the approval and escalates at it', async () => {
    clock.advance(12 * 3600_000 + 1000);
    await expect(desk.remind()).resolves.toEqual({ reminded: 1, expired: 0 });
    await expect(desk.remind()).resolves.toEqual({ reminded: 0, expired: 0 });
    clock.advance(12 * 3600_000);
    await expect(desk.remind()).resolves.toEqual({ reminded: 0, expired: 1 });
    expect(fake.callbacks.calls).toEqual([
      { kind: 'failure', token: 'TOKEN-SECRET-1', error: 'ApprovalExpired', approvalStateAtCall: 'expired' },
    ]);
    expect(fake.sent.filter((s) => s.key.includes(':escalation:')).length).toBe(2);
    await expect(decide(link('Dana Approver', '2026-12-03T10:00:00.000Z'))).rejects.toMatchObject({
      reason: 'expired',
    });
  });
});

describe('Slack request signatures', () => {
  // The vector from notes/reliability-security-performance.md (A4), re-computed there.
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const now = new Date(1531420618 * 1000 + 30_000);

  it('accepts the published test vector', () => {
    expect(
      verifySlackSignature({
        signingSecret: secret,
        timestamp: '1531420618',
        signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
        rawBody: body,
        now,
      }),
    ).toEqual({ ok: true });
  });

  it('refuses a bad signature, a changed body, a stale timestamp and missing headers', () => {
    const sign = (ts: string, b: string) =>
      `v0=${createHmac('sha256', secret).update(`v0:${ts}:${b}`).digest('hex')}`;
    expect(
      verifySlackSignature({
        signingSecret: secret,
        timestamp: '1531420618',
        signature: sign('1531420618', `${body}x`),
        rawBody: body,
        now,
      }),
    ).toEqual({ ok: false, reason: 'bad-signature' });
    expect(
      verifySlackSignature({
        signingSecret: secret,
        timestamp: '1531420000',
        signature: sign('1531420000', body),
        rawBody: body,
        now,
      }),
    ).toEqual({ ok: false, reason: 'stale' });
    expect(
      verifySlackSignature({
        signingSecret: secret,
        timestamp: undefined,
        signature: undefined,
        rawBody: body,
        now,
      }),
    ).toEqual({ ok: false, reason: 'missing' });
  });
});
