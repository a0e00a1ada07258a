import { fileURLToPath } from 'node:url';
import { completion, spawnTracked } from '../runner/processes.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SPA_DIST = fileURLToPath(new URL('../../../apps/spa/dist', import.meta.url));

/** `vite build` of the SPA, as its package script runs it; its output only shows when it fails. */
export async function buildSpa(): Promise<void> {
  const { code, stdout, stderr } = await completion(
    spawnTracked('pnpm', ['--filter', '@gatehouse/spa', 'build'], null, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  if (code !== 0) throw new Error(`the SPA build failed (exit ${code}):\n${stdout}${stderr}`);
}
