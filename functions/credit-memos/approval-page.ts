import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApprovalRefusedError } from '#shared/domain/approvals/approval.ts';
import { ApprovalLinkError } from '#shared/domain/approvals/approval-link.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeApprovalDesk } from '#shared/use-cases/credit-memos/approvals.ts';
import { creditMemoDependencies } from './dependencies.ts';
import { renderMessagePage, renderReviewPage } from './review-page.ts';

const { deps } = creditMemoDependencies();
const desk = makeApprovalDesk(deps);

const CSRF_COOKIE = 'acorn_csrf';

function html(statusCode: number, body: string, cookies: string[] = []): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    },
    ...(cookies.length > 0 ? { cookies } : {}),
    body,
  };
}

function refusal(error: unknown): { status: number; title: string; message: string } | undefined {
  if (error instanceof ApprovalLinkError) {
    return {
      status: 403,
      title: error.reason === 'expired' ? 'Link expired' : 'Link not valid',
      message: error.message,
    };
  }
  if (error instanceof ApprovalRefusedError) {
    const status =
      error.reason === 'already-decided' || error.reason === 'expired'
        ? 409
        : error.reason === 'not-found'
          ? 404
          : 403;
    return {
      status,
      title: error.reason === 'already-decided' ? 'Already decided' : 'Not allowed',
      message: error.message,
    };
  }
  return undefined;
}

function bodyOf(event: APIGatewayProxyEventV2): string {
  return event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
}

function cookie(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const all = [...(event.cookies ?? []), ...(event.headers?.cookie ?? '').split(';')];
  for (const c of all) {
    const [k, ...v] = c.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * The approval link's review page. GET and HEAD only show (mail scanners and chat unfurlers fetch
 * links; nothing changes); the page sets the CSRF cookie. POST is the decision from the page's
 * button: the link token, the CSRF nonce in the form and in the cookie. Every refusal is audited.
 */
export async function approvalPage(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const approvalId = event.pathParameters?.approvalId ?? '';
  const method = event.requestContext.http.method.toUpperCase();
  try {
    if (method === 'POST') {
      const form = new URLSearchParams(bodyOf(event));
      const decision = form.get('decision');
      if (decision !== 'approve' && decision !== 'reject') {
        return html(400, renderMessagePage('Not understood', 'Choose Approve or Reject on the review page.'));
      }
      const result = await desk.decideByLink({
        approvalId,
        token: form.get('t') ?? '',
        csrfForm: form.get('csrf') ?? undefined,
        csrfCookie: cookie(event, CSRF_COOKIE),
        outcome: decision === 'approve' ? 'approved' : 'rejected',
        note: form.get('note') ?? '',
        context: {
          sourceIp: event.requestContext.http.sourceIp,
          userAgent: event.requestContext.http.userAgent,
        },
      });
      logger.info('Approval decided', { approvalId, state: result.state, memoId: result.memoId });
      return html(
        200,
        renderMessagePage(
          result.state === 'approved' ? 'Approved' : 'Rejected',
          `Credit memo ${result.memoId} was ${result.state}. Thank you.`,
        ),
      );
    }
    const token = event.queryStringParameters?.t ?? '';
    const review = await desk.review(approvalId, token);
    const host = event.requestContext.domainName ?? '';
    const secure = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host) ? '' : '; Secure';
    const csrfCookie = `${CSRF_COOKIE}=${review.csrf}; Path=/approvals; HttpOnly; SameSite=Strict; Max-Age=3600${secure}`;
    if (method === 'HEAD') return html(200, '', [csrfCookie]);
    return html(200, renderReviewPage(review, token), [csrfCookie]);
  } catch (error) {
    const refused = refusal(error);
    if (!refused) throw error;
    await desk.refused(approvalId, `${method}: ${refused.message}`, 'page');
    logger.warn('Approval request refused', { approvalId, method, reason: refused.message });
    return html(refused.status, renderMessagePage(refused.title, refused.message));
  }
}

export const handler = withObservability(approvalPage);
