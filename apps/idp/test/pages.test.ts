import { describe, expect, it } from 'vitest';
import { BANNER } from '../src/html.ts';
import { loginPage } from '../src/pages.ts';
import { CookieJar } from '../src/testing/cookie-jar.ts';
import { alertText, parseForms, submitsItself } from '../src/testing/html-form.ts';
import { demoUsers } from '../src/users.ts';

describe('sign-in page', () => {
  const page = loginPage({ action: '/interaction/abc/login', clientName: 'Gatehouse', users: demoUsers });

  it('has labelled inputs, a Sign in button, the banner and the demo users', () => {
    expect(page.html).toContain('<label for="username">Username</label>');
    expect(page.html).toMatch(/<input id="username" name="username" type="text"/);
    expect(page.html).toContain('<label for="password">Password</label>');
    expect(page.html).toMatch(/<input id="password" name="password" type="password"/);
    expect(page.html).toContain('<button type="submit">Sign in</button>');
    expect(page.html).toContain(BANNER);
    expect(page.html).toContain('<code>alice</code> / <code>wonderland</code>');
    expect(page.html).toContain('<code>bob</code> / <code>builder</code>');
    expect(alertText(page.html)).toBeUndefined();
  });

  it('loads nothing from elsewhere and runs no script', () => {
    expect(page.html).not.toMatch(/<script|https?:\/\/|@import/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'none'");
    expect(page.headers['content-security-policy']).toMatch(/style-src 'sha256-/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(submitsItself(page.html)).toBe(false);
  });

  it('escapes what it echoes', () => {
    const hostile = loginPage({
      action: '/interaction/abc/login?"><x',
      clientName: '<b>evil</b>',
      users: [{ username: 'u', password: '"><script>', name: 'N', email: 'n@example.com' }],
      username: '"><img src=x>',
      error: '<i>nope</i>',
    });
    expect(hostile.html).not.toMatch(/<b>evil|<script>|<img|<i>nope|"><x/);
    expect(alertText(hostile.html)).toBe('<i>nope</i>');
    expect(parseForms(hostile.html)[0]).toMatchObject({
      action: '/interaction/abc/login?"><x',
      fields: [['username', '"><img src=x>']],
    });
  });
});

describe('CookieJar', () => {
  const response = (...cookies: string[]) => {
    const headers = new Headers();
    for (const cookie of cookies) headers.append('set-cookie', cookie);
    return new Response(null, { headers });
  };

  it('sends cookies by host and path and forgets deleted ones', () => {
    const jar = new CookieJar();
    jar.store(
      'http://localhost:4000/auth',
      response('a=1; path=/; httponly', 'b=2; path=/interaction/xyz', 'c=3; path=/; max-age=60'),
    );
    expect(jar.header('http://localhost:4000/')).toBe('a=1; c=3');
    expect(jar.header('http://localhost:4000/interaction/xyz/login')).toBe('a=1; b=2; c=3');
    expect(jar.header('http://localhost:4000/interaction/xyzz')).toBe('a=1; c=3');
    expect(jar.header('http://localhost:3000/')).toBeUndefined();
    jar.store('http://localhost:4000/x', response('a=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT'));
    jar.store('http://localhost:4000/x', response('c=; path=/; max-age=0'));
    expect(jar.header('http://localhost:4000/')).toBeUndefined();
    expect(jar.names('localhost:4000')).toEqual(['b']);
  });
});
