/**
 * What the cluster app offers outside itself, as @yixin/cluster: the scaled topology on one machine
 * (for fault-injection runs), the environment it gives its processes, and the embedded PostgreSQL
 * the tests run too.
 */
export { startClusterTopology, type ClusterTopology, type ClusterTopologyOptions } from './topology';
export { ClusterPart, type PartKind } from './cluster-part';
export { clusterEnvironment, type ClusterAddresses } from './cluster-environment';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres';
