import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { readCompose, shellWords, type ComposeService } from './compose.ts';
import { ManagedProcess, type ProcessSpec } from './processes.ts';

/**
 * docker-compose.yml's topology as local processes: Redis (AOF, password), the dev IdP, the notes API, two BFF
 * replicas built for production, nginx with deploy/nginx.conf in front, the SPA. Every setting comes from the
 * compose file; only ports differ, when overridden (each default port in a value is replaced by its override).
 */
export interface ClusterPorts {
  lb: number;
  bff1: number;
  bff2: number;
  metrics1: number;
  metrics2: number;
  idp: number;
  api: number;
  spa: number;
  redis: number;
}

/** The compose file's ports. */
export const DEFAULT_PORTS: ClusterPorts = {
  lb: 3000,
  bff1: 3001,
  bff2: 3002,
  metrics1: 9465,
  metrics2: 9466,
  idp: 4000,
  api: 4100,
  spa: 5173,
  redis: 6379,
};

/** The variable that overrides each port (`BFF_PORT` is the public one: nginx's). */
export const PORT_VARIABLES: Record<keyof ClusterPorts, string> = {
  lb: 'BFF_PORT',
  bff1: 'BFF1_PORT',
  bff2: 'BFF2_PORT',
  metrics1: 'METRICS1_PORT',
  metrics2: 'METRICS2_PORT',
  idp: 'IDP_PORT',
  api: 'API_PORT',
  spa: 'SPA_PORT',
  redis: 'REDIS_PORT',
};

export function portsFromEnv(env: Record<string, string | undefined>): ClusterPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const [key, variable] of Object.entries(PORT_VARIABLES) as Array<[keyof ClusterPorts, string]>) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${variable}: "${raw}" is not a port`);
    }
    ports[key] = port;
  }
  return ports;
}

export interface ClusterOptions {
  /** The repository root. */
  root: string;
  /** Redis's AOF, nginx's files, the logs. */
  dataDir: string;
  ports: ClusterPorts;
  /** What the compose file is interpolated from (secrets such as REDIS_PASSWORD; generated when unset). */
  env: Record<string, string | undefined>;
  /** Print every process's output here, prefixed with its name. */
  echo?: boolean;
  /** Run the SPA as well (it needs `pnpm build`'s static files). */
  spa?: boolean;
}

export type ServiceName = 'redis' | 'idp' | 'api' | 'bff1' | 'bff2' | 'lb' | 'spa';

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.ok;
}

/** AUTH and PING over RESP: Redis is ready when it answers both. */
function redisAnswers(port: number, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let seen = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      socket.write(`AUTH ${JSON.stringify(password)}\r\nPING\r\n`);
    });
    socket.on('data', (chunk) => {
      seen += chunk.toString();
      if (seen.includes('+PONG')) done(true);
      else if (seen.startsWith('-')) done(false);
    });
  });
}

/** Debian's nginx, installed when missing (as root with apt-get); otherwise a clear failure. */
export function ensureNginx(): string {
  const find = (): string | null => {
    for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx'])
      if (existsSync(candidate)) return candidate;
    return null;
  };
  const found = find();
  if (found) return found;
  const root = process.getuid?.() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nginx'], {
      stdio: 'inherit',
      env,
    });
    const installed = find();
    if (installed) return installed;
  }
  throw new Error(
    "nginx is not installed and cannot be installed here (needs root and apt-get): install Debian's 'nginx' package.",
  );
}

export class Cluster {
  readonly processes: Record<ServiceName, ManagedProcess>;
  readonly redisPassword: string;
  readonly urls: { lb: string; bff1: string; bff2: string; metrics1: string; metrics2: string; idp: string };
  readonly #order: ServiceName[];

  constructor(readonly options: ClusterOptions) {
    const { root, dataDir, ports } = options;
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    const env: Record<string, string | undefined> = { ...options.env };
    // Secrets the compose file requires: made up for a local run when the operator gave none.
    env.REDIS_PASSWORD ||= randomBytes(18).toString('base64url');
    env.SESSION_ENCRYPTION_KEYS ||= `local:${randomBytes(32).toString('base64')}`;
    this.redisPassword = env.REDIS_PASSWORD;
    const services = readCompose(join(root, 'docker-compose.yml'), env);
    const service = (name: string): ComposeService => {
      const found = services[name];
      if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
      return found;
    };

    const moves = new Map<number, number>(
      (Object.keys(DEFAULT_PORTS) as Array<keyof ClusterPorts>).map((key) => [
        DEFAULT_PORTS[key],
        ports[key],
      ]),
    );
    const remap = (value: string): string =>
      /^\d+$/.test(value)
        ? String(moves.get(Number(value)) ?? value)
        : value.replace(
            /\b(localhost|127\.0\.0\.1):(\d+)/g,
            (_m, host: string, port: string) => `${host}:${moves.get(Number(port)) ?? port}`,
          );
    const basePath = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const node = (name: string): ProcessSpec['args'] => {
      const [command, ...args] = service(name).command;
      if (command !== 'node') throw new Error(`docker-compose.yml: ${name} does not run node`);
      return args;
    };
    const appDir = (name: string): string => {
      const dir = service(name).workingDir ?? '';
      const match = /^\/app\/([a-z]+)$/.exec(dir);
      if (!match) throw new Error(`docker-compose.yml: ${name} has an unexpected working_dir "${dir}"`);
      return join(root, 'apps', match[1]!);
    };
    const nodeService = (name: ServiceName, ready: () => Promise<boolean>): ProcessSpec => {
      const environment = Object.fromEntries(
        Object.entries(service(name).environment).map(([key, value]) => [key, remap(value)]),
      );
      return {
        name,
        command: process.execPath,
        args: node(name),
        cwd: appDir(name),
        env: { ...basePath, ...environment },
        ready,
      };
    };

    // Redis: the compose command (`sh -c 'exec redis-server ...'`), with this run's port and directory.
    const redisDir = join(dataDir, 'redis');
    mkdirSync(redisDir, { recursive: true });
    const redisService = service('redis');
    const redisLine = redisService.command.at(-1) ?? '';
    const words = shellWords(redisLine).filter((word) => word !== 'exec');
    if (words[0] !== 'redis-server') throw new Error('docker-compose.yml: redis does not run redis-server');
    const redisArgs = words.slice(1).map((word) => (word === '$REDIS_PASSWORD' ? this.redisPassword : word));
    const setArg = (flag: string, value: string): void => {
      const at = redisArgs.indexOf(flag);
      if (at === -1) redisArgs.push(flag, value);
      else redisArgs[at + 1] = value;
    };
    setArg('--port', String(ports.redis));
    setArg('--dir', redisDir);

    // nginx: deploy/nginx.conf as mounted into the lb service, its ports moved and its files kept in dataDir.
    const mount = service('lb').volumes.find((volume) => volume.includes(':/etc/nginx/nginx.conf'));
    if (!mount) throw new Error('docker-compose.yml: lb mounts no nginx.conf');
    const nginxDir = join(dataDir, 'nginx');
    mkdirSync(nginxDir, { recursive: true });
    const conf = readFileSync(join(root, mount.split(':')[0]!), 'utf8')
      .replace(/\blisten (\d+);/g, (_m, port: string) => `listen ${remap(port)};`)
      .replace(/\b127\.0\.0\.1:\d+/g, remap)
      .replace(
        /^http \{/m,
        [
          'http {',
          `  access_log ${join(nginxDir, 'access.log')};`,
          ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
            (kind) => `  ${kind}_temp_path ${join(nginxDir, kind)};`,
          ),
        ].join('\n'),
      );
    const confFile = join(nginxDir, 'nginx.conf');
    writeFileSync(confFile, conf);
    const nginx = ensureNginx();

    const local = (port: number): string => `http://127.0.0.1:${port}`;
    this.urls = {
      lb: `http://localhost:${ports.lb}`,
      bff1: local(ports.bff1),
      bff2: local(ports.bff2),
      metrics1: `${local(ports.metrics1)}/metrics`,
      metrics2: `${local(ports.metrics2)}/metrics`,
      idp: `http://localhost:${ports.idp}`,
    };
    const specs: Record<ServiceName, ProcessSpec> = {
      redis: {
        name: 'redis',
        command: 'redis-server',
        args: redisArgs,
        cwd: redisDir,
        env: basePath,
        ready: () => redisAnswers(ports.redis, this.redisPassword),
      },
      idp: nodeService('idp', () => httpOk(`${local(ports.idp)}/.well-known/openid-configuration`)),
      api: nodeService('api', () => httpOk(`${local(ports.api)}/healthz`)),
      bff1: nodeService('bff1', () => httpOk(`${local(ports.bff1)}/readyz`)),
      bff2: nodeService('bff2', () => httpOk(`${local(ports.bff2)}/readyz`)),
      lb: {
        name: 'lb',
        command: nginx,
        args: [
          '-p',
          nginxDir,
          '-c',
          confFile,
          '-g',
          `daemon off; pid ${join(nginxDir, 'nginx.pid')}; error_log stderr;`,
        ],
        cwd: nginxDir,
        env: basePath,
        ready: () => httpOk(`${local(ports.lb)}/healthz`),
      },
      spa: nodeService('spa', () => httpOk(`${local(ports.spa)}/`)),
    };
    this.#order = ['redis', 'idp', 'api', 'bff1', 'bff2', 'lb', ...(options.spa ? (['spa'] as const) : [])];
    const echo = options.echo ?? false;
    this.processes = Object.fromEntries(
      (Object.keys(specs) as ServiceName[]).map((name) => [
        name,
        new ManagedProcess(specs[name], join(dataDir, 'logs', `${name}.log`), echo),
      ]),
    ) as Record<ServiceName, ManagedProcess>;
  }

  /** Starts every service in dependency order, each once the one before is ready. */
  async start(): Promise<void> {
    for (const name of this.#order) await this.processes[name].start();
  }

  /** Stops every service, the load balancer first. */
  async stop(): Promise<void> {
    for (const name of [...this.#order].reverse()) await this.processes[name].close();
  }

  /** The compiled services `pnpm build` makes; the topology runs nothing else. */
  static missingBuild(root: string, spa: boolean): string[] {
    const needed = ['bff', 'idp', 'api', ...(spa ? ['spa'] : [])].map((app) =>
      join(root, 'apps', app, 'dist-server', 'server.mjs'),
    );
    if (spa) needed.push(join(root, 'apps', 'spa', 'dist', 'index.html'));
    return needed.filter((file) => !existsSync(file));
  }
}
