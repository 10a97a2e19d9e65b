import { createHmac } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_SLACK_CREDENTIALS } from '#infra/constructs/credit-memos.ts';
import { DynamoDbNumberSeries } from '#shared/aws/dynamodb-number-series.ts';
import { CREDIT_NOTE_SERIES, formatInvoiceNumber } from '#shared/domain/invoices/numbering.ts';
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import {
  api,
  memoOf,
  pulledOrder,
  returnRequest,
  seedInvoice,
  submitToSandbox,
  waitForMemo,
} from '../support/credit-memo-system.ts';
import { dropInInbox, startTestSystem, tableItems } from '../support/local-system.ts';
import { officialModels } from '../support/official-models.ts';

type System = Awaited<ReturnType<typeof startTestSystem>>;

describe('credit memos on the local system', () => {
  let system: System;
  let order: PurchaseOrder;
  let usOrder: PurchaseOrder;

  /** The review page of a pending memo's approval, read from the email, and a way to decide on it. */
  async function reviewFromEmail(memoId: string) {
    const email = await vi.waitFor(() => {
      const found = system.messages
        .emails()
        .find((e) => e.text.includes(memoId) && e.subject.startsWith('Approve?'));
      if (!found) throw new Error('no email yet');
      return found;
    });
    const link = email.links.find((l) => l.includes('/approvals/'))!;
    const page = await fetch(link);
    const html = await page.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const token = new URL(link).searchParams.get('t') ?? '';
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return {
      email,
      link,
      page,
      decide: (
        decision: 'approve' | 'reject',
        overrides: { cookie?: string; csrf?: string; token?: string } = {},
      ) =>
        fetch(link.split('?')[0]!, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: overrides.cookie ?? cookie,
          },
          body: new URLSearchParams({
            t: overrides.token ?? token,
            csrf: overrides.csrf ?? csrf,
            decision,
          }).toString(),
        }),
    };
  }

  beforeAll(async () => {
    system = await startTestSystem({
      speed: 600,
      poGeneration: { backlog: 30, perHour: 0 },
      configPatch: (c) => ({
        ...c,
        approvers: [{ name: 'Dana Approver', email: 'dana@example.com', slackUserId: 'U0DANA' }],
        creditMemos: { ...(c.creditMemos as object), recheckReceiptMinutes: 5, approvalHours: 2 },
      }),
    });
    order = await pulledOrder(system, 'ACMEDE');
    await seedInvoice(system, order, 'ACME-DE-INV-000101');
    usOrder = await pulledOrder(system, 'ACMEUS');
    await seedInvoice(system, usOrder, 'ACME-US-INV-000201');
  }, 120_000);

  afterAll(async () => {
    await system?.dispose();
  });

  it('auto-approves a small received return and Amazon accepts the credit note', async () => {
    const res = await api(
      system,
      'POST',
      '/api/credit-requests',
      returnRequest(order, 'RN-IT-AUTO', 1, 'Delivered to Warehouse'),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const memoId = 'RET-ACMEDE-RN-IT-AUTO';
    const memo = await waitForMemo(system, memoId, 'accepted');
    expect(memo).toMatchObject({ filing: 'api', policy: { decision: 'auto-approve' } });
    const sent = system.sandbox.invoices().find((r) => r.invoice.invoiceType === 'CreditNote');
    expect(sent).toBeDefined();
    expect(officialModels().validate('vendorInvoices', 'Invoice', sent!.invoice)).toEqual([]);
    expect(sent!.invoice.items?.[0]?.creditNoteDetails).toMatchObject({
      returnsReferenceNumber: 'RN-IT-AUTO',
      referenceInvoiceNumber: 'ACME-DE-INV-000101',
    });
  });

  it('asks a person for a large return; the emailed link only shows, the page approves once', async () => {
    const res = await api(
      system,
      'POST',
      '/api/credit-requests',
      returnRequest(order, 'RN-IT-HUMAN', 40, 'Delivered to Warehouse'),
    );
    expect(res.status).toBe(202);
    const memoId = 'RET-ACMEDE-RN-IT-HUMAN';
    const memo = await waitForMemo(system, memoId, 'pending-approval');
    const email = await vi.waitFor(() => {
      const found = system.messages.emails().find((e) => e.text.includes(memoId));
      if (!found) throw new Error('no email yet');
      return found;
    });
    expect(email.to).toEqual(['dana@example.com']);
    const link = email.links.find((l) => l.includes('/approvals/'))!;
    expect(link).toContain(String(memo.approvalId));
    // A mail scanner: GET and HEAD change nothing.
    const scanned = await fetch(link);
    expect(scanned.status).toBe(200);
    expect((await fetch(link, { method: 'HEAD' })).status).toBe(200);
    expect((await memoOf(system, memoId))?.state).toBe('pending-approval');
    // The approver presses Approve on the page: the form's nonce and the cookie the page set.
    const page = await scanned.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    const token = new URL(link).searchParams.get('t')!;
    const cookie = scanned.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const decide = () =>
      fetch(link.split('?')[0]!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ t: token, csrf: csrf!, decision: 'approve' }).toString(),
      });
    expect((await decide()).status).toBe(200);
    const second = await decide();
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('already decided');
    await waitForMemo(system, memoId, 'accepted');
    const note = system.sandbox
      .invoices()
      .find((r) => r.invoice.items?.[0]?.creditNoteDetails?.returnsReferenceNumber === 'RN-IT-HUMAN');
    expect(officialModels().validate('vendorInvoices', 'Invoice', note!.invoice)).toEqual([]);
  });

  it('files nothing when the approver rejects, and refuses a forged or cross-site decision', async () => {
    await api(
      system,
      'POST',
      '/api/credit-requests',
      returnRequest(order, 'RN-IT-REJECT', 40, 'Delivered to Warehouse'),
    );
    const memoId = 'RET-ACMEDE-RN-IT-REJECT';
    await waitForMemo(system, memoId, 'pending-approval');
    const review = await reviewFromEmail(memoId);
    // Without the page's cookie (a cross-site POST) or with a tampered token: refused, still pending.
    expect((await review.decide('approve', { cookie: '' })).status).toBe(403);
    const forged = `${new URL(review.link).searchParams.get('t')!.slice(0, -4)}AAAA`;
    expect((await review.decide('approve', { token: forged })).status).toBe(403);
    expect((await fetch(review.link.replace(/t=[^&]+/, `t=${forged}`))).status).toBe(403);
    expect((await memoOf(system, memoId))?.state).toBe('pending-approval');
    expect((await review.decide('reject')).status).toBe(200);
    await waitForMemo(system, memoId, 'rejected');
    expect(
      system.sandbox
        .invoices()
        .some((r) => r.invoice.items?.[0]?.creditNoteDetails?.returnsReferenceNumber === 'RN-IT-REJECT'),
    ).toBe(false);
  });

  it('waits for the goods: no memo while in transit, then on once the status says received', async () => {
    await api(system, 'POST', '/api/credit-requests', returnRequest(order, 'RN-IT-TRANSIT', 1, 'In Transit'));
    const memoId = 'RET-ACMEDE-RN-IT-TRANSIT';
    await waitForMemo(system, memoId, 'awaiting-receipt');
    const res = await api(system, 'POST', '/api/credit-requests', {
      type: 'return-status',
      vendorCode: 'ACMEDE',
      returnReference: 'RN-IT-TRANSIT',
      status: 'Delivered to Warehouse',
    });
    expect(res.status).toBe(202);
    await waitForMemo(system, memoId, 'accepted');
  });

  it('makes exactly one memo from 100 concurrent events for one return', async () => {
    const body = returnRequest(order, 'RN-IT-DUP', 1, 'Delivered to Warehouse');
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => api(system, 'POST', '/api/credit-requests', body)),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    await waitForMemo(system, 'RET-ACMEDE-RN-IT-DUP', 'accepted', 120_000);
    await vi.waitFor(
      () => {
        const runs = system.runtime.stepFunctions.executions().filter((e) => e.input.includes('RN-IT-DUP'));
        expect(runs).toHaveLength(100);
        expect(runs.every((e) => e.status === 'SUCCEEDED')).toBe(true);
      },
      { timeout: 60_000, interval: 250 },
    );
    const items = await tableItems(system);
    expect(
      items.filter((i) => i.pk?.S === 'CREDITMEMO#RET-ACMEDE-RN-IT-DUP' && i.sk?.S === 'CREDITMEMO'),
    ).toHaveLength(1);
    // The 99 other events each left an audit event saying why nothing happened.
    expect(
      items.filter(
        (i) => i.action?.S === 'creditMemo.duplicateIgnored' && i.entityId?.S === 'RET-ACMEDE-RN-IT-DUP',
      ),
    ).toHaveLength(99);
    const notes = system.sandbox
      .invoices()
      .filter((r) => r.invoice.items?.[0]?.creditNoteDetails?.returnsReferenceNumber === 'RN-IT-DUP');
    expect(notes).toHaveLength(1);
  }, 180_000);

  it("fails the memo with Amazon's reason when Amazon refuses the credit note", async () => {
    // Amazon already has a credit note with the number this memo will get: it refuses a reused number.
    // Credit-note numbers come from invoicing's gap-free series CN of the legal entity (ACMEREMIT).
    const seriesPk = DynamoDbNumberSeries.pk('ACMEREMIT', CREDIT_NOTE_SERIES);
    const taken = (await tableItems(system))
      .filter((i) => i.pk?.S === seriesPk)
      .map((i) => Number(i.sequence?.N ?? 0));
    const next = formatInvoiceNumber('ACME', CREDIT_NOTE_SERIES, Math.max(0, ...taken) + 1);
    const template = system.sandbox.invoices().find((r) => r.invoice.invoiceType === 'CreditNote')!.invoice;
    await submitToSandbox(system, { invoices: [{ ...template, id: next }] });
    await api(
      system,
      'POST',
      '/api/credit-requests',
      returnRequest(order, 'RN-IT-FAIL', 1, 'Delivered to Warehouse'),
    );
    const memo = await waitForMemo(system, 'RET-ACMEDE-RN-IT-FAIL', 'failed', 90_000);
    expect(memo).toMatchObject({ creditNoteNumber: next, failure: { error: 'CreditNoteRejectedError' } });
    expect(
      system.runtime
        .publishedEvents()
        .some(
          (e) =>
            e.event['detail-type'] === 'CreditMemoFailed' &&
            JSON.stringify(e.event.detail).includes('RN-IT-FAIL'),
        ),
    ).toBe(true);
  }, 120_000);

  it('hands an operator a Vendor Central memo where Amazon takes no credit note by API, until filed', async () => {
    await api(
      system,
      'POST',
      '/api/credit-requests',
      returnRequest(usOrder, 'RN-IT-US', 1, 'Delivered to Warehouse', 'US'),
    );
    const memoId = 'RET-ACMEUS-RN-IT-US';
    const memo = await waitForMemo(system, memoId, 'awaiting-filing');
    expect(memo).toMatchObject({ filing: 'vendor-central' });
    expect(String(memo.documentKey)).toMatch(
      /^documents\/creditMemos\/vendorCentral\/dt=.*\/ACME-CN-\d{6}\.pdf$/,
    );
    const archived = await new S3Client({
      endpoint: system.runtime.endpoints.s3,
      region: system.runtime.env.AWS_REGION ?? 'us-east-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: system.runtime.env.AWS_ACCESS_KEY_ID ?? 'local',
        secretAccessKey: system.runtime.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      },
    }).send(
      new GetObjectCommand({
        Bucket: system.runtime.physicalName('ArchiveBucket'),
        Key: String(memo.documentKey),
      }),
    );
    const { text } = await extractText(await getDocumentProxy(await archived.Body!.transformToByteArray()), {
      mergePages: true,
    });
    expect(text).toContain(`Credit note number: ${memo.creditNoteNumber}`);
    expect(text).toContain('Return reference: RN-IT-US');
    expect(system.sandbox.invoices().some((r) => r.invoice.id === memo.creditNoteNumber)).toBe(false);
    const filed = await api(system, 'POST', `/api/credit-memos/${memoId}/filing`, {
      vendorCentralReference: 'VC-CM-7781',
    });
    expect(filed.status).toBe(200);
    await waitForMemo(system, memoId, 'filed');
    const again = await api(system, 'POST', `/api/credit-memos/${memoId}/filing`, {
      vendorCentralReference: 'VC-CM-7781',
    });
    expect(again.status).toBe(409);
  });

  it('escalates an approval that never comes and files nothing', async () => {
    await api(
      system,
      'POST',
      '/api/credit-requests',
      returnRequest(order, 'RN-IT-SILENT', 40, 'Delivered to Warehouse'),
    );
    const memoId = 'RET-ACMEDE-RN-IT-SILENT';
    const memo = await waitForMemo(system, memoId, 'pending-approval');
    const pending = await api(system, 'GET', '/api/approvals?state=pending');
    expect(JSON.stringify(pending.body)).toContain(String(memo.approvalId));
    expect(JSON.stringify(pending.body)).not.toContain('taskToken');
    // Two clock hours later (the configured approval time) the reminder check expires it.
    await vi.waitFor(
      async () => {
        await system.runtime.schedules.fireNow('RemindApprovals/Schedule');
        expect((await memoOf(system, memoId))?.state).toBe('expired');
      },
      { timeout: 60_000, interval: 1000 },
    );
    expect(
      system.messages.emails().some((e) => e.subject.startsWith('Escalation') && e.text.includes(memoId)),
    ).toBe(true);
    expect(
      system.runtime
        .publishedEvents()
        .some(
          (e) =>
            e.event['detail-type'] === 'CreditMemoEscalated' &&
            JSON.stringify(e.event.detail).includes(memoId),
        ),
    ).toBe(true);
  }, 120_000);

  it('takes a signed Slack click from an approver, and refuses a bad signature or a stranger', async () => {
    await api(
      system,
      'POST',
      '/api/credit-requests',
      returnRequest(order, 'RN-IT-SLACK', 40, 'Delivered to Warehouse'),
    );
    const memoId = 'RET-ACMEDE-RN-IT-SLACK';
    const memo = await waitForMemo(system, memoId, 'pending-approval');
    const posted = await vi.waitFor(() => {
      const found = system.messages.slackMessages().find((m) => m.text.includes(memoId));
      if (!found) throw new Error('no Slack message yet');
      return found;
    });
    expect(JSON.stringify(posted.blocks)).toContain(String(memo.approvalId));
    const click = (userId: string, secret = LOCAL_SLACK_CREDENTIALS.signingSecret, skewSeconds = 0) => {
      const payload = {
        type: 'block_actions',
        user: { id: userId },
        actions: [{ action_id: 'approve', value: memo.approvalId }],
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      // Slack's clock is the system's clock (time is injected, also locally).
      const ts = String(Math.floor(system.runtime.clock.now().getTime() / 1000) + skewSeconds);
      const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
      return fetch(`${system.url}/slack/interactivity`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': signature,
        },
        body,
      });
    };
    expect((await click('U0DANA', 'not-the-signing-secret')).status).toBe(401);
    expect((await click('U0DANA', undefined, -3600)).status).toBe(401);
    const stranger = await click('U0MALLORY');
    expect(await stranger.json()).toMatchObject({ text: 'you are not an approver of this credit memo' });
    expect((await memoOf(system, memoId))?.state).toBe('pending-approval');
    expect(await (await click('U0DANA')).json()).toMatchObject({ text: `Credit memo ${memoId} approved.` });
    expect(await (await click('U0DANA')).json()).toMatchObject({
      text: expect.stringMatching(/^already decided/),
    });
    await waitForMemo(system, memoId, 'accepted');
  });

  it('raises returns from an export dropped into the inbox, and reports its broken rows by number', async () => {
    const item = order.orderDetails!.items[0]!;
    const at = system.runtime.clock.now().toISOString();
    const csv = [
      'Return ID,Vendor Code,Marketplace,Return Date,Status,ASIN,PO Number,Quantity,Currency',
      `RN-IT-FILE,ACMEDE,DE,${at},Delivered to Warehouse,${item.amazonProductIdentifier},${order.purchaseOrderNumber},1,EUR`,
      `RN-IT-BAD,ACMEDE,DE,${at},Delivered to Warehouse,${item.amazonProductIdentifier},${order.purchaseOrderNumber},-2,EUR`,
    ].join('\n');
    await dropInInbox(system, 'returns/vc-returns-it.csv', csv);
    await waitForMemo(system, 'RET-ACMEDE-RN-IT-FILE', 'accepted');
    const rejected = await vi.waitFor(() => {
      const found = system.runtime
        .publishedEvents()
        .find(
          (e) =>
            e.event['detail-type'] === 'InboxFileRejectedRows' &&
            JSON.stringify(e.event.detail).includes('vc-returns-it.csv'),
        );
      if (!found) throw new Error('no InboxFileRejectedRows yet');
      return found.event.detail as { problems: { row: number; field?: string }[] };
    });
    expect(rejected.problems).toEqual([expect.objectContaining({ row: 3, field: 'quantity' })]);
    expect(await memoOf(system, 'RET-ACMEDE-RN-IT-BAD')).toBeUndefined();
  });
});
