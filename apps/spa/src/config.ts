/** Runtime configuration, fetched from the SPA's own origin at start, so one build serves any BFF URL. */
export interface AppConfig {
  bffUrl: string;
  /** Try a silent sign-in (`prompt=none`) once per tab when a page loads signed out. */
  silentSignIn: boolean;
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch('/config.json', {
    cache: 'no-store',
    headers: { Accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const body: unknown = await response.json();
  const { bffUrl, silentSignIn } = (body ?? {}) as { bffUrl?: unknown; silentSignIn?: unknown };
  if (typeof bffUrl !== 'string') throw new Error('/config.json has no bffUrl');
  const url = new URL(bffUrl); // throws on garbage
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('bffUrl is not http(s)');
  return { bffUrl: url.href.replace(/\/+$/, ''), silentSignIn: silentSignIn === true };
}
