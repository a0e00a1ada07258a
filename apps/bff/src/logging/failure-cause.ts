/** Only identifier-like codes are logged: a `code` field that held anything else could be a secret. */
const SAFE_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const MAX_DEPTH = 4;

export interface FailureCause {
  errorName?: string;
  errorCode?: string;
  /** The innermost cause's name and code (e.g. a `TypeError: fetch failed` caused by `ECONNREFUSED`). */
  causeName?: string;
  causeCode?: string;
}

function nameAndCode(error: unknown): { name?: string; code?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const { name, code } = error as { name?: unknown; code?: unknown };
  return {
    ...(typeof name === 'string' && SAFE_CODE.test(name) ? { name } : {}),
    ...(typeof code === 'string' && SAFE_CODE.test(code) ? { code } : {}),
  };
}

/**
 * Why an upstream or provider call failed, for operators: error names and codes along the `cause` chain — never
 * messages, bodies or headers, which can carry tokens.
 */
export function failureCause(error: unknown): FailureCause {
  const outer = nameAndCode(error);
  let inner: unknown;
  let next = (error as { cause?: unknown } | null)?.cause;
  for (let depth = 0; depth < MAX_DEPTH && typeof next === 'object' && next !== null; depth += 1) {
    inner = next;
    next = (next as { cause?: unknown }).cause;
  }
  const root = nameAndCode(inner);
  return {
    ...(outer.name ? { errorName: outer.name } : {}),
    ...(outer.code ? { errorCode: outer.code } : {}),
    ...(root.name ? { causeName: root.name } : {}),
    ...(root.code ? { causeCode: root.code } : {}),
  };
}
