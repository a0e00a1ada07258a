/**
 * The servers of a run, each started the first time a scenario asks for it and kept for the next scenarios
 * that need it (a start costs seconds, and seeding a store more). `stop` ends the ones no later scenario needs.
 */
export interface Stoppable {
  stop(): Promise<void>;
}

export type Starters<Catalog> = { [K in keyof Catalog]: () => Promise<Catalog[K]> };

export class ServerPool<Catalog extends { [K in keyof Catalog]: Stoppable }> {
  private readonly started = new Map<keyof Catalog, Promise<Stoppable>>();
  private readonly starters: Starters<Catalog>;

  constructor(starters: (pool: ServerPool<Catalog>) => Starters<Catalog>) {
    this.starters = starters(this);
  }

  get<K extends keyof Catalog>(key: K): Promise<Catalog[K]> {
    let server = this.started.get(key);
    if (!server) {
      server = this.starters[key]();
      this.started.set(key, server);
    }
    return server as Promise<Catalog[K]>;
  }

  async stop(keys: Iterable<keyof Catalog>): Promise<void> {
    const stopping: Array<Promise<void>> = [];
    for (const key of keys) {
      const server = this.started.get(key);
      this.started.delete(key);
      if (server) stopping.push(server.then((s) => s.stop()).catch(() => undefined));
    }
    await Promise.all(stopping);
  }

  stopAll(): Promise<void> {
    return this.stop([...this.started.keys()]);
  }
}
