import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProvidersFile } from '../../src/config/providers-file.ts';

const example = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8'));

describe('the sample providers files in examples/', () => {
  it('providers.dev.json registers the dev IdP, the GitHub-like provider and the notes API', () => {
    const file = parseProvidersFile(example('providers.dev.json'), {});
    expect(file.providers.map((p) => p.name)).toEqual(['dev', 'octo']);
    expect(file.apis.map((a) => [a.name, a.provider, a.require])).toEqual([
      ['notes', 'dev', undefined],
      ['notes-export', 'dev', { acr: ['urn:gatehouse:acr:password-again'], maxAge: 300 }],
    ]);
  });

  it('providers.google-github.json is valid once its secrets are in the environment', () => {
    const env = {
      GOOGLE_CLIENT_ID: 'g',
      GOOGLE_CLIENT_SECRET: 'gs',
      GITHUB_CLIENT_ID: 'h',
      GITHUB_CLIENT_SECRET: 'hs',
    };
    const file = parseProvidersFile(example('providers.google-github.json'), env);
    expect(file.providers.map((p) => p.name)).toEqual(['google', 'github']);
    expect(file.providers[1]!.claims?.sub).toBe('id');
    expect(() => parseProvidersFile(example('providers.google-github.json'), {})).toThrow(/GOOGLE_CLIENT_ID/);
  });

  it('providers.restricted.json lets only example.com in and the notes API only to notes-editors', () => {
    const file = parseProvidersFile(example('providers.restricted.json'), {});
    expect(file.providers.map((p) => [p.name, p.allow])).toEqual([
      ['dev', { emailDomains: ['example.com'] }],
      ['octo', { emailDomains: ['example.com'] }],
    ]);
    expect(file.providers[1]!.emailsEndpoint).toBe('http://localhost:4001/user/emails');
    expect(file.apis[0]!.require).toEqual({ claims: { groups: ['notes-editors'] } });
  });
});
