import type { ApprovalDesk } from '#shared/use-cases/credit-memos/approvals.ts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type Review = Awaited<ReturnType<ApprovalDesk['review']>>;

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The review page: shows the memo and two buttons that POST the decision with the CSRF nonce. */
export function renderReviewPage(review: Review, token: string): string {
  const { approval, memo } = review;
  const s = approval.summary;
  const lines = memo.lines
    .map(
      (l) =>
        `<tr><td>${l.itemSequenceNumber}</td><td>${escapeHtml(l.asin ?? l.vendorSku ?? '')}</td><td>${escapeHtml(l.purchaseOrderNumber ?? '')}</td><td>${l.quantity}</td><td>${escapeHtml(l.netCost)}</td><td>${escapeHtml(l.taxAmount)}</td></tr>`,
    )
    .join('');
  const decided = approval.state !== 'pending';
  const form = decided
    ? `<p id="outcome"><strong>Already decided: ${escapeHtml(approval.state)}${approval.decision ? ` by ${escapeHtml(approval.decision.by)} at ${escapeHtml(approval.decision.at)}` : ''}.</strong></p>`
    : `<form method="post" action="">
<input type="hidden" name="t" value="${escapeHtml(token)}"><input type="hidden" name="csrf" value="${escapeHtml(review.csrf)}">
<p><label>Note (optional)<br><input name="note" maxlength="500" size="60"></label></p>
<button type="submit" name="decision" value="approve" id="approve">Approve</button>
<button type="submit" name="decision" value="reject" id="reject">Reject</button>
</form>`;
  return page(
    `Credit memo ${memo.memoId}`,
    `<h1>Credit memo ${escapeHtml(memo.memoId)}</h1>
<p>${escapeHtml(s.vendorCode)} · ${escapeHtml(s.marketplace)} · ${escapeHtml(s.reference)}${memo.referenceInvoiceNumber ? ` · invoice ${escapeHtml(memo.referenceInvoiceNumber)}` : ''}</p>
<p>Total <strong id="total">${escapeHtml(s.total)} ${escapeHtml(s.currency)}</strong> (net ${escapeHtml(memo.totals?.net ?? '0')}, tax ${escapeHtml(memo.totals?.tax ?? '0')}). Respond to Amazon by ${escapeHtml(memo.respondBy)}; decide by ${escapeHtml(approval.expiresAt)}.</p>
<p>Why you are asked: ${escapeHtml(s.reasons.join('; ') || 'policy')}</p>
<table><thead><tr><th>#</th><th>Item</th><th>PO</th><th>Qty</th><th>Net cost</th><th>Tax</th></tr></thead><tbody>${lines}</tbody></table>
<p>Reviewing as ${escapeHtml(review.approver)}.</p>
${form}`,
  );
}

/** A page that says what happened (a decision, or why the request was refused). */
export function renderMessagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p id="message">${escapeHtml(message)}</p>`);
}
