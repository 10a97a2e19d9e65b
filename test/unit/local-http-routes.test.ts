import { describe, expect, it } from 'vitest';
import { FunctionInvocationError } from '#local/runtime/errors.ts';
import { buildHttpEvent, HttpRouter, httpResponseFromResult } from '#local/runtime/http-routes.ts';

const router = new HttpRouter([
  { functionId: 'Greedy', method: 'ANY', path: '/approvals/{proxy+}' },
  { functionId: 'Param', method: 'GET', path: '/approvals/{id}' },
  { functionId: 'Literal', method: 'GET', path: '/approvals/pending' },
  { functionId: 'Decide', method: 'POST', path: '/approvals/{id}/decision' },
  { functionId: 'Fallback', method: 'ANY', path: '$default' },
]);

describe('HttpRouter', () => {
  it('prefers literal segments, then parameters, then greedy paths', () => {
    expect(router.match('GET', '/approvals/pending')?.route.functionId).toBe('Literal');
    expect(router.match('GET', '/approvals/a1')).toMatchObject({
      route: { functionId: 'Param' },
      pathParameters: { id: 'a1' },
    });
    expect(router.match('GET', '/approvals/a1/history')).toMatchObject({
      route: { functionId: 'Greedy' },
      pathParameters: { proxy: 'a1/history' },
    });
  });

  it('matches the method, with ANY as a wildcard', () => {
    expect(router.match('POST', '/approvals/a1/decision')?.route.functionId).toBe('Decide');
    expect(router.match('DELETE', '/approvals/a1')?.route.functionId).toBe('Greedy');
  });

  it('falls back to $default and decodes path parameters', () => {
    expect(router.match('GET', '/elsewhere')?.route.functionId).toBe('Fallback');
    expect(router.match('GET', '/approvals/a%201')?.pathParameters).toEqual({ id: 'a 1' });
  });
});

describe('buildHttpEvent', () => {
  it('builds a payload 2.0 event with joined query values, cookies and lower-case headers', () => {
    const event = buildHttpEvent({
      route: { functionId: 'Param', method: 'GET', path: '/approvals/{id}' },
      pathParameters: { id: 'a1' },
      method: 'get',
      path: '/approvals/a1',
      query: { sig: 'abc', tag: ['x', 'y'] },
      headers: { Host: 'localhost:3000', Cookie: 'a=1; b=2', 'X-Multi': ['1', '2'] },
      now: new Date('2026-03-12T19:03:58Z'),
      accountId: '000000000000',
    });

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /approvals/{id}',
      rawPath: '/approvals/a1',
      rawQueryString: 'sig=abc&tag=x&tag=y',
      cookies: ['a=1', 'b=2'],
      headers: { host: 'localhost:3000', 'x-multi': '1,2' },
      queryStringParameters: { sig: 'abc', tag: 'x,y' },
      pathParameters: { id: 'a1' },
      requestContext: {
        http: { method: 'GET', path: '/approvals/a1' },
        routeKey: 'GET /approvals/{id}',
        stage: '$default',
        time: '12/Mar/2026:19:03:58 +0000',
        timeEpoch: Date.parse('2026-03-12T19:03:58Z'),
      },
      isBase64Encoded: false,
    });
    expect(event.headers.cookie).toBeUndefined();
  });

  it('base64-encodes a binary body and keeps a text body as it is', () => {
    const base = {
      route: { functionId: 'F', method: 'POST', path: '/upload' },
      pathParameters: {},
      method: 'POST',
      path: '/upload',
      now: new Date(),
      accountId: '000000000000',
    };
    const binary = buildHttpEvent({
      ...base,
      body: Buffer.from([0, 1, 2]),
      headers: { 'content-type': 'image/png' },
    });
    const text = buildHttpEvent({
      ...base,
      body: Buffer.from('{"a":1}'),
      headers: { 'content-type': 'application/json' },
    });

    expect(binary).toMatchObject({ body: 'AAEC', isBase64Encoded: true });
    expect(text).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
  });
});

describe('httpResponseFromResult', () => {
  it('passes a structured result through', () => {
    const response = httpResponseFromResult({
      ok: true,
      value: { statusCode: 303, headers: { Location: '/done' }, cookies: ['s=1'], body: '' },
    });

    expect(response).toEqual({ statusCode: 303, headers: { location: '/done' }, cookies: ['s=1'], body: '' });
  });

  it('decodes a base64 body to bytes', () => {
    const response = httpResponseFromResult({
      ok: true,
      value: { statusCode: 200, body: 'AAEC', isBase64Encoded: true },
    });

    expect(response.body).toEqual(Buffer.from([0, 1, 2]));
  });

  it('answers 200 JSON for a result without statusCode', () => {
    expect(httpResponseFromResult({ ok: true, value: { a: 1 } })).toMatchObject({
      statusCode: 200,
      body: '{"a":1}',
    });
  });

  it('answers 500 for a function error', () => {
    const error = new FunctionInvocationError('F', 'TypeError', 'boom');

    expect(httpResponseFromResult({ ok: false, error })).toMatchObject({
      statusCode: 500,
      body: '{"message":"Internal Server Error"}',
    });
  });
});
