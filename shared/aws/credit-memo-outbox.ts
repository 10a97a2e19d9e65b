import type { VendorInvoicesApi } from '../sp-api/vendor-invoices.ts';
import { type Outbox, type OutboxBase, outboxFor } from '../use-cases/outbox/outbox.ts';
import type { Resolution, Sender, UnknownResolver } from '../use-cases/outbox/ports.ts';

/** After this long an unclear credit-note submission is sent again (see the resolver below). */
export const RESEND_AFTER_MS = 15 * 60_000;

/**
 * The credit-memo module's outbox: credit notes (`submitInvoices`), approval emails (`sendEmail`)
 * and Slack messages (`postSlackMessage`).
 *
 * An unclear credit-note submission (5xx, dropped connection) cannot be read back — Amazon has no
 * API listing invoices — so after 15 minutes it is sent again with the same credit-note number:
 * Amazon refuses a reused number (notes/domain.md 1.4), so a resend can fail but never credit
 * twice. An unclear email or Slack message is resent at once: a duplicate notice is harmless.
 */
export function makeCreditMemoOutbox(
  deps: OutboxBase & {
    invoicesApiOfAccount: (accountId: string) => VendorInvoicesApi;
    email: Sender;
    slack: Sender;
  },
): Outbox {
  const creditNotes: Sender = {
    async send(request) {
      const { transactionId } = await deps
        .invoicesApiOfAccount(request.target)
        .submitInvoices(request.payload);
      return { transactionId };
    },
  };
  const creditNoteResolver: UnknownResolver = {
    async resolve(message): Promise<Resolution> {
      const since = deps.clock.now().getTime() - Date.parse(message.updatedAt);
      const note = `no API lists credit notes; ${Math.round(since / 60000)} min after the unclear attempt`;
      return since < RESEND_AFTER_MS
        ? { outcome: 'undetermined', note }
        : { outcome: 'not-applied', note: `${note}: resent with the same number` };
    },
  };
  const resendNotice: UnknownResolver = {
    async resolve() {
      return { outcome: 'not-applied', note: 'a notice is resent: a duplicate is harmless' };
    },
  };
  return outboxFor(deps, {
    submitInvoices: { sender: creditNotes, resolver: creditNoteResolver },
    sendEmail: { sender: deps.email, resolver: resendNotice },
    postSlackMessage: { sender: deps.slack, resolver: resendNotice },
  });
}
