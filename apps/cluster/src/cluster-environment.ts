import { embeddedSystemEnv, type EmbeddedLauncherConfig } from '@yixin/config';

/** Where the topology's API and worker processes find the parts they use. */
export interface ClusterAddresses {
  databaseUrl: string;
  /** host:port of the Temporal frontend. */
  temporalAddress: string;
  /** The one port the API processes share. */
  httpPort: number;
}

/**
 * The environment every API and worker process of the topology loads its configuration from
 * (`loadConfig`): the variables docker-compose.yml's `x-yixin-environment` gives the containers,
 * with this machine's addresses (compose-environment.int.spec.ts holds the two in step). The rest
 * is the embedded launcher's (`embeddedSystemEnv`): the operator's environment, the token key, the
 * personal-data master key and the residents' link key kept in the data directory (made on the
 * first start), email to the mail catcher, SMS and WeCom messages to the local outbox. The event
 * log and the records are PostgreSQL's. Compose's defaults apply where the operator sets none.
 */
export function clusterEnvironment(env: NodeJS.ProcessEnv, launcher: EmbeddedLauncherConfig, addresses: ClusterAddresses): NodeJS.ProcessEnv {
  return {
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'yixin-cases',
    PUBLIC_BASE_URL: `http://localhost:${addresses.httpPort}`,
    YIXIN_SMS_PROVIDER: 'outbox',
    ...embeddedSystemEnv(env, launcher, addresses.temporalAddress),
    YIXIN_STORE: 'postgres',
    DATABASE_URL: addresses.databaseUrl,
    PORT: String(addresses.httpPort),
  };
}
