import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { jsonBodyOf } from '#functions/console-api/http.ts';
import { ValidationError } from '#shared/errors.ts';

const event = (body: string | undefined, isBase64Encoded = false) =>
  ({ body, isBase64Encoded }) as unknown as APIGatewayProxyEventV2;

describe('jsonBodyOf', () => {
  it('reads a plain and a base64-encoded JSON body alike', () => {
    expect(jsonBodyOf(event('{"a":1}'), 'an object')).toEqual({ a: 1 });
    expect(jsonBodyOf(event(Buffer.from('{"a":1}').toString('base64'), true), 'an object')).toEqual({ a: 1 });
  });

  it('refuses a missing or malformed body, naming (body) and what the route expects', () => {
    for (const body of [undefined, '', '{"a":', 'not json']) {
      let thrown: unknown;
      try {
        jsonBodyOf(event(body), 'expected { "shipments": [...] }');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).issues).toEqual([
        { path: '(body)', message: 'expected { "shipments": [...] }' },
      ]);
    }
  });
});
