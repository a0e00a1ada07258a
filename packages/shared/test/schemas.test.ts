import { describe, expect, expectTypeOf, it } from 'vitest';
import { ErrorBodySchema, SessionInfoSchema, type SessionInfo, type UserInfo } from '../src/index.ts';

const contractExample = {
  user: { sub: 'alice', name: 'Alice Liddell', email: 'alice@example.com', picture: null },
  provider: 'dev',
  createdAt: '2026-11-26T20:00:00.000Z',
  expiresAt: '2026-11-27T04:00:00.000Z',
  idleExpiresAt: '2026-11-26T20:30:00.000Z',
};

describe('SessionInfoSchema', () => {
  it('accepts the example from the contract', () => {
    expect(SessionInfoSchema.parse(contractExample)).toEqual({ ...contractExample, claims: {} });
  });

  it('carries kept claims: strings, numbers, booleans and lists of them; nothing nested', () => {
    const claims = { groups: ['staff', 'notes-editors'], email_verified: true, level: 3, org: 'acme' };
    expect(SessionInfoSchema.parse({ ...contractExample, claims }).claims).toEqual(claims);
    expect(
      SessionInfoSchema.safeParse({ ...contractExample, claims: { address: { city: 'x' } } }).success,
    ).toBe(false);
  });

  it('refuses a session without a user subject or with a non-ISO time', () => {
    expect(
      SessionInfoSchema.safeParse({ ...contractExample, user: { ...contractExample.user, sub: '' } }).success,
    ).toBe(false);
    expect(SessionInfoSchema.safeParse({ ...contractExample, expiresAt: 'tomorrow' }).success).toBe(false);
  });

  it('types the user as UserInfo', () => {
    expectTypeOf<SessionInfo['user']>().toEqualTypeOf<UserInfo>();
    expectTypeOf<UserInfo['picture']>().toEqualTypeOf<string | null>();
  });
});

describe('ErrorBodySchema', () => {
  it('requires a code and a message', () => {
    expect(ErrorBodySchema.safeParse({ error: 'csrf', message: 'Missing X-CSRF header.' }).success).toBe(
      true,
    );
    expect(ErrorBodySchema.safeParse({ error: 'csrf' }).success).toBe(false);
  });
});
