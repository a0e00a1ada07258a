import { ConfigError, loadConfig } from '@gatehouse/api';
import { describe, expect, it } from 'vitest';

describe('loadConfig', () => {
  it('works with no configuration at all', () => {
    expect(loadConfig({})).toEqual({
      port: 4100,
      host: undefined,
      issuer: 'http://localhost:4000',
      audience: 'http://localhost:4100',
      logLevel: 'info',
    });
  });

  it('follows IDP_PORT for the default issuer; empty values mean unset', () => {
    expect(loadConfig({ IDP_PORT: '14000', API_PORT: '' })).toMatchObject({
      port: 4100,
      issuer: 'http://localhost:14000',
    });
    expect(
      loadConfig({ API_ISSUER: 'https://idp.example/', API_AUDIENCE: 'https://api.example', API_PORT: '0' }),
    ).toMatchObject({ port: 0, issuer: 'https://idp.example', audience: 'https://api.example' });
    // Moved with API_PORT, it accepts tokens for where it now is (the BFF's resource for it).
    expect(loadConfig({ API_PORT: '4600' }).audience).toBe('http://localhost:4600');
  });

  it('names every invalid variable', () => {
    const attempt = () => loadConfig({ API_PORT: 'eighty', API_ISSUER: 'ftp://x', API_AUDIENCE: 'nope' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/API_PORT[\s\S]*API_ISSUER[\s\S]*API_AUDIENCE/);
  });
});
