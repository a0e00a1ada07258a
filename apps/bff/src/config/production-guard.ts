/**
 * What `NODE_ENV=production` refuses to start with. Each entry names the variable to fix; `parseConfig` turns
 * them into one `ConfigError` (exit code 78). Loopback stays allowed so that the single-host production shape
 * (docker-compose, everything on localhost) still starts.
 */
export interface ProductionSettings {
  env: 'development' | 'production' | 'test';
  publicUrl: string;
  spaOrigins: readonly string[];
  cookieSecure: boolean;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

function isPlainHttpOffLoopback(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname);
}

export function productionIssues(settings: ProductionSettings): string[] {
  if (settings.env !== 'production') return [];
  const issues: string[] = [];
  if (!settings.cookieSecure) {
    issues.push('COOKIE_SECURE: must be true when NODE_ENV=production (the session cookie needs Secure)');
  }
  if (isPlainHttpOffLoopback(settings.publicUrl)) {
    issues.push('PUBLIC_BFF_URL: must be https when NODE_ENV=production (http only on loopback)');
  }
  const insecure = settings.spaOrigins.filter(isPlainHttpOffLoopback);
  if (insecure.length > 0) {
    issues.push(
      `SPA_ORIGINS: ${insecure.join(', ')} must be https when NODE_ENV=production (http only on loopback)`,
    );
  }
  return issues;
}
