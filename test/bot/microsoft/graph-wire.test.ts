/**
 * Graph's JSON read as it comes (bot/microsoft/graph-wire.ts): relationships and access
 * assignments with fields absent, null or empty, OData quoting, and a refused token request in
 * each form @azure/identity reports it.
 */
import { AuthenticationError } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { date, loginError, odataString, toAccessAssignment, toRelationship } from '../../../bot/microsoft/graph-wire.js';

describe('Graph records', () => {
  it('reads a relationship, with its customer, roles and dates, and one just created with none of them', () => {
    expect(
      toRelationship({
        '@odata.etag': 'W/"1"',
        id: 'r1',
        displayName: 'Northwind-Contoso',
        status: 'active',
        duration: 'P730D',
        customer: { tenantId: 't1', displayName: 'Contoso' },
        accessDetails: { unifiedRoles: [{ roleDefinitionId: 'role-a' }] },
        autoExtendDuration: 'P180D',
        createdDateTime: '2026-11-01T00:00:00Z',
        activatedDateTime: '2026-11-02T00:00:00Z',
        endDateTime: '2028-11-01T00:00:00Z',
      }),
    ).toEqual({
      id: 'r1',
      displayName: 'Northwind-Contoso',
      status: 'active',
      duration: 'P730D',
      customer: { tenantId: 't1', displayName: 'Contoso' },
      roleDefinitionIds: ['role-a'],
      autoExtendDuration: 'P180D',
      createdDateTime: '2026-11-01T00:00:00Z',
      activatedDateTime: '2026-11-02T00:00:00Z',
      endDateTime: '2028-11-01T00:00:00Z',
      etag: 'W/"1"',
    });
    // The create response: no customer yet, roles null, dates "".
    expect(
      toRelationship({
        id: 'r2',
        displayName: 'x',
        status: 'created',
        duration: 'P730D',
        customer: { tenantId: null },
        accessDetails: { unifiedRoles: null },
        createdDateTime: '',
        endDateTime: null,
      }),
    ).toMatchObject({
      customer: null,
      roleDefinitionIds: [],
      autoExtendDuration: 'PT0S',
      createdDateTime: null,
      activatedDateTime: null,
      endDateTime: null,
      etag: '',
    });
    expect(
      toRelationship({ id: 'r3', displayName: 'x', status: 'active', duration: 'P1D', customer: { tenantId: 't3', displayName: '' } })
        .customer,
    ).toEqual({
      tenantId: 't3',
      displayName: null,
    });
  });

  it('reads an access assignment, pending and group-less when Graph leaves those out', () => {
    expect(
      toAccessAssignment({
        id: 'a1',
        status: 'active',
        accessContainer: { accessContainerId: 'g1', accessContainerType: 'securityGroup' },
        accessDetails: { unifiedRoles: [{ roleDefinitionId: 'role-b' }] },
      }),
    ).toEqual({ id: 'a1', groupId: 'g1', roleDefinitionIds: ['role-b'], status: 'active' });
    expect(toAccessAssignment({ id: 'a2', status: null, accessContainer: null, accessDetails: null })).toEqual({
      id: 'a2',
      groupId: '',
      roleDefinitionIds: [],
      status: 'pending',
    });
  });

  it('quotes OData strings and treats absent, null and empty dates alike', () => {
    expect(odataString("O'Brien's")).toBe("'O''Brien''s'");
    expect([undefined, null, '', '2026-11-01'].map(date)).toEqual([null, null, null, '2026-11-01']);
  });
});

describe('loginError', () => {
  it("reads @azure/identity's AuthenticationError: its status, Entra's code and the description's first line", () => {
    const error = new AuthenticationError(401, {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1\r\nCorrelation ID: 2',
    });
    const told = loginError(error);
    expect(told).toMatchObject({ status: 401, code: 'invalid_client' });
    expect(told.message).toBe(
      "Microsoft login refused the app's credentials (invalid_client): AADSTS7000215: Invalid client secret provided.",
    );
  });

  it("reads MSAL's client-credential message, 401 for a client Entra cannot authenticate and 400 otherwise", () => {
    const msal = new Error(
      'invalid_client: Error(s): 7000215 - Timestamp: 2026 - Description: AADSTS7000215: Invalid client secret provided. - Correlation ID: 3',
    );
    expect(loginError(msal)).toMatchObject({
      status: 401,
      code: 'invalid_client',
      message: "Microsoft login refused the app's credentials (invalid_client): AADSTS7000215: Invalid client secret provided.",
    });
    expect(loginError(new Error('unauthorized_client: the app is disabled\nmore'))).toMatchObject({
      status: 400,
      code: 'unauthorized_client',
      message: "Microsoft login refused the app's credentials (unauthorized_client): unauthorized_client: the app is disabled",
    });
  });

  it('calls anything else a token it could not get, with the first line of what went wrong', () => {
    expect(loginError(new Error('getaddrinfo ENOTFOUND login.example\n    at stack'))).toMatchObject({
      status: 0,
      code: 'authentication_failed',
      message: 'Could not get a token from Microsoft login: getaddrinfo ENOTFOUND login.example',
    });
    expect(loginError('plain')).toMatchObject({
      code: 'authentication_failed',
      message: 'Could not get a token from Microsoft login: plain',
    });
  });
});
