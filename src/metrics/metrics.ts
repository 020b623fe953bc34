// Prometheus metrics for one gateway process. Queue depths are read from Redis at scrape time.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type QueueCounts = Record<string, Record<string, number>>;

/** Ages (seconds) of the oldest waiting work, read from PostgreSQL at scrape time. */
export interface BacklogAges {
  /** Oldest pending delivery per subscriber. */
  deliveries: Array<{ subscriberId: string; ageSeconds: number }>;
  /** Oldest message still waiting for an out-of-band check's verdict; null when none. */
  verificationSeconds: number | null;
}

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

  readonly subscriberAttempts = new Counter({
    name: 'ipn_gateway_subscriber_attempts_total',
    help: 'Delivery attempts per subscriber by outcome (succeeded, http_error, timeout, network_error)',
    labelNames: ['subscriber_id', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(queueCounts?: () => Promise<QueueCounts>, backlog?: () => Promise<BacklogAges>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ipn_gateway_' });
    if (backlog) this.registerBacklog(backlog);
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

  private registerBacklog(backlog: () => Promise<BacklogAges>): void {
    // One read serves both gauges of a scrape.
    let current: Promise<BacklogAges | null> | null = null;
    const read = () => {
      current ??= backlog()
        .catch(() => null)
        .finally(() => setImmediate(() => (current = null)));
      return current;
    };
    new Gauge({
      name: 'ipn_gateway_oldest_pending_delivery_seconds',
      help: 'Age of the oldest pending delivery, per subscriber (absent when it has none)',
      labelNames: ['subscriber_id'] as const,
      registers: [this.registry],
      async collect() {
        const ages = await read();
        if (!ages) return;
        this.reset();
        for (const row of ages.deliveries) this.set({ subscriber_id: row.subscriberId }, row.ageSeconds);
      },
    });
    new Gauge({
      name: 'ipn_gateway_oldest_pending_verification_seconds',
      help: 'Age of the oldest message waiting for its out-of-band check (postback) verdict (0 when none)',
      registers: [this.registry],
      async collect() {
        const ages = await read();
        if (ages) this.set(ages.verificationSeconds ?? 0);
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
