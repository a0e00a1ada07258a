import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * An admin connection for inspecting what the store wrote. Fails loudly (never skips) when Redis is not
 * reachable: these tests are about a real Redis.
 */
export async function connectAdmin(url = REDIS_URL): Promise<Redis> {
  const admin = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  let lastError: Error | undefined;
  admin.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await admin.connect();
    await admin.ping();
  } catch (error) {
    admin.disconnect();
    const reason = (lastError ?? (error as Error)).message;
    throw new Error(
      `Redis is not reachable at ${url} (${reason}). The Redis store tests need a real Redis (set REDIS_URL); ` +
        'they fail rather than skip.',
      { cause: error },
    );
  }
  return admin;
}

let shared: Promise<Redis> | undefined;

/**
 * The admin connection shared by a test file, opened on first use. Awaited in `beforeEach`, so with Redis
 * unreachable every test fails (a failing `beforeAll` would only mark them skipped).
 */
export function sharedAdmin(): Promise<Redis> {
  shared ??= connectAdmin();
  return shared;
}

/** Deletes what the file wrote under `prefix` and closes the shared admin connection, if it ever opened. */
export async function closeSharedAdmin(prefix: string): Promise<void> {
  const pending = shared;
  shared = undefined;
  const admin = await pending?.catch(() => undefined);
  if (!admin) return;
  await deleteUnder(admin, prefix);
  await admin.quit();
}

/** Every key under a prefix (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function keysUnder(admin: Redis, prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

export async function deleteUnder(admin: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(admin, prefix);
  for (let i = 0; i < keys.length; i += 500) await admin.del(...keys.slice(i, i + 500));
}
