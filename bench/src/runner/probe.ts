import type { LoadTarget } from './wrk.ts';

/** One request of a target, sent with fetch before the load, so a scenario can check what the server answers. */
export interface Answer {
  status: number;
  location: string | null;
  body: string;
}

function firstPath(target: LoadTarget): string {
  if (typeof target.path === 'string') return target.path;
  const { before, width, after } = target.path.sequence;
  return `${before}${'1'.padStart(width, '0')}${after}`;
}

export async function probe(target: LoadTarget): Promise<Answer> {
  const headers = new Headers(target.headers);
  if (target.rotate) headers.set(target.rotate.header, target.rotate.values[0]!);
  const response = await fetch(new URL(firstPath(target), target.url), {
    method: target.method ?? 'GET',
    headers,
    ...(target.body === undefined ? {} : { body: target.body }),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}
