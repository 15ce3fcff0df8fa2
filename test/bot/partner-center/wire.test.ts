/**
 * Partner Center's wire shapes read defensively (bot/partner-center/wire.ts): records with fields
 * missing, refusals in each error shape Partner Center and Entra send, and the headers a
 * `links.next` may carry.
 */
import { describe, expect, it } from 'vitest';
import { errorFromBody, linkHeaders, toCustomer, toSubscription } from '../../../bot/partner-center/wire.js';

describe('Partner Center records', () => {
  it('reads a customer from its profile, and one with no profile as blanks rather than failing', () => {
    expect(
      toCustomer({
        id: 'c1',
        companyProfile: { tenantId: 't1', domain: 'contoso.com', companyName: 'Contoso' },
        relationshipToPartner: 'reseller',
      }),
    ).toEqual({
      id: 'c1',
      tenantId: 't1',
      domain: 'contoso.com',
      companyName: 'Contoso',
      relationshipToPartner: 'reseller',
    });
    // The tenant id stands in for a missing id, and the other way round.
    expect(toCustomer({ companyProfile: { tenantId: 't2' } })).toEqual({
      id: 't2',
      tenantId: 't2',
      domain: '',
      companyName: '',
      relationshipToPartner: 'none',
    });
    expect(toCustomer({ id: 'c3', companyProfile: null })).toEqual({
      id: 'c3',
      tenantId: 'c3',
      domain: '',
      companyName: '',
      relationshipToPartner: 'none',
    });
    expect(toCustomer({})).toMatchObject({ id: '', tenantId: '' });
  });

  it('reads a subscription, its friendly name standing in for its offer name, and fields missing as empty', () => {
    expect(
      toSubscription({
        id: 's1',
        offerName: 'Microsoft 365 E3',
        quantity: 12,
        status: 'Active',
        autoRenewEnabled: true,
        commitmentEndDate: '2027-01-31',
        billingType: 'license',
        termDuration: 'P1Y',
      }),
    ).toEqual({
      id: 's1',
      offerName: 'Microsoft 365 E3',
      quantity: 12,
      status: 'active',
      autoRenewEnabled: true,
      commitmentEndDate: '2027-01-31',
      billingType: 'license',
      termDuration: 'P1Y',
    });
    expect(toSubscription({ id: 's2', friendlyName: 'E3 for sales' })).toEqual({
      id: 's2',
      offerName: 'E3 for sales',
      quantity: 0,
      status: '',
      autoRenewEnabled: false,
      commitmentEndDate: null,
      billingType: null,
      termDuration: null,
    });
    expect(
      toSubscription({ id: 's3', offerName: '', friendlyName: '', commitmentEndDate: '', billingType: '', termDuration: '' }),
    ).toMatchObject({
      offerName: '',
      commitmentEndDate: null,
      billingType: null,
      termDuration: null,
    });
  });
});

describe('errorFromBody', () => {
  it("reads Partner Center's own code, numeric or not, with its description or message", () => {
    expect(errorFromBody(400, { code: 600, description: 'The customer is not active.' }, 'Bad Request')).toEqual({
      code: '600',
      description: 'The customer is not active.',
    });
    expect(errorFromBody(409, { code: 'Conflict', message: 'Already exists' }, 'Conflict')).toEqual({
      code: 'Conflict',
      description: 'Already exists',
    });
    expect(errorFromBody(400, { code: 'X1' }, 'Bad Request')).toEqual({ code: 'X1', description: 'Bad Request' });
  });

  it("reads Entra's refusal passed on by Partner Center: the first of error_codes, else the AADSTS number, and the first line without its trace", () => {
    const described = 'AADSTS900421: Error validating credentials.\r\nTrace ID: 1234\r\nCorrelation ID: 5678';
    expect(errorFromBody(401, { error: 'invalid_grant', error_description: described, error_codes: [900421] }, 'Unauthorized')).toEqual({
      code: '900421',
      description: 'AADSTS900421: Error validating credentials.',
    });
    expect(
      errorFromBody(
        401,
        { error: 'invalid_grant', error_description: 'AADSTS700082: The refresh token has expired. Trace ID: 1' },
        'Unauthorized',
      ),
    ).toEqual({
      code: '700082',
      description: 'AADSTS700082: The refresh token has expired.',
    });
    expect(errorFromBody(401, { error: 'invalid_client', error_codes: [7000215] }, 'Unauthorized')).toEqual({
      code: '7000215',
      description: 'invalid_client',
    });
    expect(errorFromBody(401, { error_codes: [50076] }, 'Unauthorized')).toEqual({ code: '50076', description: 'Unauthorized' });
  });

  it('reads a nested {error: {code, message}}, and makes do with the status for anything else', () => {
    expect(errorFromBody(403, { error: { code: 'Forbidden', message: 'No access to this tenant' } }, 'Forbidden')).toEqual({
      code: 'Forbidden',
      description: 'No access to this tenant',
    });
    expect(errorFromBody(403, { error: { code: 'Forbidden' } }, 'Forbidden')).toEqual({ code: 'Forbidden', description: 'Forbidden' });
    expect(errorFromBody(502, { error: 'upstream failed' }, 'Bad Gateway')).toEqual({ code: 'http_502', description: 'upstream failed' });
    expect(errorFromBody(500, 'Internal Server Error', 'Internal Server Error')).toEqual({
      code: 'http_500',
      description: 'Internal Server Error',
    });
    expect(errorFromBody(500, null, '')).toEqual({ code: 'http_500', description: 'HTTP error' });
    expect(errorFromBody(500, { code: '' }, 'Server Error')).toEqual({ code: 'http_500', description: 'Server Error' });
  });
});

describe('linkHeaders', () => {
  it("keeps a next link's own headers, as a list or a map, and drops ours, the transport's and malformed ones", () => {
    expect(
      linkHeaders({
        headers: [
          { key: 'MS-ContinuationToken', value: 'abc' },
          { key: 'Authorization', value: 'Bearer stolen' },
          { key: 'bad header', value: 'x' },
          { key: 'X-Number' },
          { value: 'no key' },
        ],
      }),
    ).toEqual({ 'MS-ContinuationToken': 'abc' });
    expect(linkHeaders({ headers: { 'MS-ContinuationToken': 'def', Host: 'evil.example', 'Content-Length': '1' } })).toEqual({
      'MS-ContinuationToken': 'def',
    });
    expect(linkHeaders({ headers: { 'X-Count': 3 as unknown as string } })).toEqual({});
    expect(linkHeaders({})).toEqual({});
  });
});
