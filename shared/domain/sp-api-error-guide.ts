/**
 * What Amazon's error codes mean for an operator and what to do about each, for the console's
 * errors view. Codes are SP-API's common error codes (the `errors[].code` of a 4xx/5xx answer or
 * of a transaction's `Failure`), Login with Amazon's OAuth errors, and Acorn's own for answers it
 * could not read. Written in our words; an unknown code gets the generic advice.
 */
export interface ErrorGuide {
  readonly code: string;
  readonly meaning: string;
  readonly fix: string;
  /** Whether sending the same payload again can succeed (Acorn already retries those). */
  readonly retryable: boolean;
}

const GUIDES: readonly ErrorGuide[] = [
  {
    code: 'InvalidInput',
    meaning:
      'Amazon refused the payload: a field is missing, malformed or contradicts the PO or the shipment.',
    fix: 'Read the details for the field; correct the decision or the source file (PO lines in review, the WMS file) and send the correction — the same payload will be refused again.',
    retryable: false,
  },
  {
    code: 'InvalidRequest',
    meaning:
      'The request is not valid for the object in its current state (for example a PO already closed or acknowledged).',
    fix: "Open the PO: compare Amazon's state with Acorn's. If Amazon already has the acknowledgement, nothing is to be done.",
    retryable: false,
  },
  {
    code: 'Unauthorized',
    meaning:
      'Access denied: the refresh token does not grant this vendor account or role, or the application lacks the Vendor roles.',
    fix: 'Re-authorize the application for the vendor account in Vendor Central and put the new refresh token into the SP-API credentials secret.',
    retryable: false,
  },
  {
    code: 'InvalidSignature',
    meaning: 'The request signature was rejected.',
    fix: 'Acorn does not sign SP-API calls (Amazon dropped SigV4 in 2023); check that the endpoint in the configuration is an SP-API endpoint.',
    retryable: false,
  },
  {
    code: 'NotFound',
    meaning: 'Amazon does not know the object: a wrong PO number, transaction id or marketplace endpoint.',
    fix: "Check the PO number and that the vendor code's SP-API account points to the right region.",
    retryable: false,
  },
  {
    code: 'RequestEntityTooLarge',
    meaning: 'The payload is larger than Amazon accepts in one request.',
    fix: 'Split the shipment or acknowledgement into several messages (fewer POs or cartons per confirmation).',
    retryable: false,
  },
  {
    code: 'UnsupportedMediaType',
    meaning: 'The request body type was not JSON.',
    fix: 'A defect in Acorn: report it with the message key; nothing to correct in the data.',
    retryable: false,
  },
  {
    code: 'QuotaExceeded',
    meaning: "Amazon's rate limit for the operation was hit (429).",
    fix: 'Nothing: Acorn backs off and retries. If it persists, lower spApi.rateLimitFraction or look for another application sharing the quota.',
    retryable: true,
  },
  {
    code: 'InternalFailure',
    meaning: "An error on Amazon's side (500); the request may or may not have been applied.",
    fix: "Nothing at first: Acorn marks the message unknown and reads Amazon's state before sending again.",
    retryable: true,
  },
  {
    code: 'ServiceUnavailable',
    meaning: 'Amazon is temporarily unavailable (503).',
    fix: 'Nothing: retried with backoff. Check the SP-API status page if it lasts.',
    retryable: true,
  },
  {
    code: 'MalformedResponse',
    meaning: 'Amazon answered with a body Acorn could not read against the published model.',
    fix: "The message is unknown and resolved from Amazon's state; report the response with the message key.",
    retryable: false,
  },
  {
    code: 'invalid_grant',
    meaning:
      'Login with Amazon refused the refresh token: revoked, expired authorization, or for another application.',
    fix: 'Authorize the application again in Vendor Central and store the new refresh token in the SP-API credentials secret.',
    retryable: false,
  },
  {
    code: 'invalid_client',
    meaning:
      'Login with Amazon refused the client id or secret: the client secret may have expired (every 180 days).',
    fix: 'Check the rotation queue is registered (docs/deployment.md) or put the new client secret into the secret.',
    retryable: false,
  },
  {
    code: 'unauthorized_client',
    meaning: 'The application is not allowed to use this grant or is not yet authorized by the vendor.',
    fix: 'Finish the application authorization in Vendor Central.',
    retryable: false,
  },
];

const BY_CODE = new Map(GUIDES.map((g) => [g.code.toLowerCase(), g]));

/** Every known code, for the errors view's reference table. */
export function errorGuides(): readonly ErrorGuide[] {
  return GUIDES;
}

/** The guide of a code, or the generic advice for one we do not know. */
export function explainError(code: string | undefined): ErrorGuide {
  const known = code ? BY_CODE.get(code.toLowerCase()) : undefined;
  return (
    known ?? {
      code: code ?? '(none)',
      meaning: "A code Acorn has no explanation for yet: Amazon's message says what it refused.",
      fix: "Read Amazon's message and details; correct the source data and send a correction.",
      retryable: false,
    }
  );
}
