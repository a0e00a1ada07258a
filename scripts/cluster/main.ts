import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster, portsFromEnv } from './topology.ts';

/**
 * `pnpm start:cluster`: docker-compose.yml's topology as local processes, for machines without Docker. Builds
 * the release (`pnpm build`) first; Ctrl-C stops everything. Ports: BFF_PORT (nginx, 3000), BFF1_PORT,
 * BFF2_PORT, METRICS1_PORT, METRICS2_PORT, IDP_PORT, API_PORT, SPA_PORT, REDIS_PORT. Data: CLUSTER_DATA_DIR
 * (default .data/cluster).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const env = process.env;

const build = spawnSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const cluster = new Cluster({
  root,
  dataDir: env.CLUSTER_DATA_DIR || join(root, '.data', 'cluster'),
  ports: portsFromEnv(env),
  env,
  echo: true,
  spa: true,
});

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  console.log('stopping the cluster…');
  cluster.stop().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

try {
  await cluster.start();
} catch (error) {
  console.error(`start:cluster: ${(error as Error).message}`);
  await cluster.stop();
  process.exit(1);
}
const { urls } = cluster;
console.log(
  `ready: nginx ${urls.lb} → BFF ${urls.bff1}, ${urls.bff2} (metrics ${urls.metrics1}, ${urls.metrics2}); ` +
    `IdP ${urls.idp}; SPA http://localhost:${cluster.options.ports.spa}. Ctrl-C stops all.`,
);
