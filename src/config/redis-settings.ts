// REDIS_URL, REDIS_CLUSTER and QUEUE_PREFIX checked together: a node list needs cluster mode, and
// cluster mode needs a node list and a hash-tagged prefix.
import { clusterConnectionString, hasHashTag, parseNodeList } from '../queue/redis-target';

export function redisSettings(
  redisUrl: string | undefined,
  cluster: boolean,
  queuePrefix: string,
): { url: string | null; problems: string[] } {
  const problems: string[] = [];
  if (cluster && !hasHashTag(queuePrefix)) {
    problems.push(
      `QUEUE_PREFIX: with REDIS_CLUSTER=true it must contain a hash tag such as "{${queuePrefix.replace(/[{}]/g, '') || 'ipn-gateway'}}", so each queue's keys share one cluster slot`,
    );
  }
  if (redisUrl === undefined) {
    if (cluster) problems.push('REDIS_URL: REDIS_CLUSTER=true needs REDIS_URL listing cluster nodes');
    return { url: null, problems };
  }
  const parsed = parseNodeList(redisUrl); // its syntax was checked with the other variables
  if (!cluster && 'nodes' in parsed && parsed.nodes.length > 1) {
    problems.push('REDIS_URL: lists several nodes; set REDIS_CLUSTER=true for a Redis Cluster');
  }
  return { url: cluster ? clusterConnectionString(redisUrl) : redisUrl, problems };
}
