// Prometheus metrics for one gateway process. Queue depths are read from Redis at scrape time.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type QueueCounts = Record<string, Record<string, number>>;

export class GatewayMetrics {
  readonly registry = new Registry();

  readonly notifications = new Counter({
    name: 'ipn_gateway_notifications_total',
    help: 'Inbound provider requests by provider, kind and outcome (message status, or unstored)',
    labelNames: ['provider', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly verifications = new Counter({
    name: 'ipn_gateway_verifications_total',
    help: 'Out-of-band check results (postbacks, signatures): verified, invalid, retry (no verdict) or rejected after verification',
    labelNames: ['provider', 'result'] as const,
    registers: [this.registry],
  });

  readonly deliveryAttempts = new Counter({
    name: 'ipn_gateway_delivery_attempts_total',
    help: 'Delivery attempts by outcome (succeeded, http_error, timeout, network_error) and trigger',
    labelNames: ['outcome', 'trigger'] as const,
    registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: 'ipn_gateway_delivery_latency_seconds',
    help: 'Time from the event being received to a subscriber answering 2xx',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 86400],
    registers: [this.registry],
  });

  constructor(queueCounts?: () => Promise<QueueCounts>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ipn_gateway_' });
    if (queueCounts) {
      new Gauge({
        name: 'ipn_gateway_queue_jobs',
        help: 'BullMQ jobs by queue and state (waiting, delayed, active, failed)',
        labelNames: ['queue', 'state'] as const,
        registers: [this.registry],
        async collect() {
          try {
            const counts = await queueCounts();
            for (const [queue, states] of Object.entries(counts)) {
              for (const [state, value] of Object.entries(states)) this.set({ queue, state }, value);
            }
          } catch {
            // Redis unreachable: the gauge keeps its last values; /readyz reports the outage.
          }
        },
      });
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
