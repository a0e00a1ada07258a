import type { Profile } from '../profile.ts';
import type { ScenarioReport } from '../report/model.ts';
import type { CorePlan } from '../runner/affinity.ts';
import type { ServerPool } from '../runner/pool.ts';
import type { ServerName, Servers, ServerSettings } from './servers.ts';

export interface RunContext {
  profile: Profile;
  cores: CorePlan;
  servers: ServerPool<Servers>;
  settings: ServerSettings;
  log(line: string): void;
}

export interface Scenario {
  id: string;
  /** The servers it asks the pool for, so each can be stopped after the last scenario that needs it. */
  servers: ServerName[];
  run(ctx: RunContext): Promise<ScenarioReport>;
}
