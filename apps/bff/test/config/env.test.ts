import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/env.ts';

describe('parseConfig', () => {
  it('works with no configuration at all, on the contract defaults', () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.spaOrigins).toEqual(['http://localhost:5173']);
    expect(config.store.kind).toBe('file');
    expect(config.session.cookieName).toBe('__Host-gatehouse');
    expect(config.session.idleTimeoutMs).toBe(1800_000);
    expect(config.session.absoluteTimeoutMs).toBe(28_800_000);
    expect(config.cookieSecure).toBe(true);
  });

  it('derives defaults from the ports', () => {
    const config = parseConfig({ BFF_PORT: '3100', SPA_PORT: '5200' });
    expect(config.publicUrl).toBe('http://localhost:3100');
    expect(config.spaOrigins).toEqual(['http://localhost:5200']);
  });

  it('parses several SPA origins', () => {
    const config = parseConfig({ SPA_ORIGINS: 'https://app.example.com, https://admin.example.com/' });
    expect(config.spaOrigins).toEqual(['https://app.example.com', 'https://admin.example.com']);
  });

  it.each([
    ['BFF_PORT', 'abc'],
    ['BFF_PORT', '70000'],
    ['SESSION_STORE', 'mongo'],
    ['SESSION_IDLE_TIMEOUT', '-5'],
    ['SESSION_ABSOLUTE_TIMEOUT', 'soon'],
    ['REDIS_URL', 'http://redis'],
    ['PUBLIC_BFF_URL', 'not a url'],
    ['SESSION_COOKIE_NAME', 'bad name;'],
    ['COOKIE_SECURE', 'maybe'],
    ['SPA_ORIGINS', 'https://app.example.com/path'],
    ['SPA_ORIGINS', 'ftp://files.example.com'],
  ])('fails fast naming %s when it is %j', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('refuses an absolute lifetime shorter than the idle timeout', () => {
    expect(() => parseConfig({ SESSION_IDLE_TIMEOUT: '600', SESSION_ABSOLUTE_TIMEOUT: '300' })).toThrow(
      /SESSION_ABSOLUTE_TIMEOUT/,
    );
  });

  it('refuses a __Host- cookie without Secure', () => {
    expect(() => parseConfig({ COOKIE_SECURE: 'false' })).toThrow(/COOKIE_SECURE/);
    expect(parseConfig({ COOKIE_SECURE: 'false', SESSION_COOKIE_NAME: 'gatehouse' }).cookieSecure).toBe(
      false,
    );
  });
});
