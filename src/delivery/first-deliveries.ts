// First attempts of the deliveries stored in one tick (ingest's group commit, a batch of
// verdicts) are enqueued as one job per subscriber and group of up to MAX_DELIVERIES_PER_JOB:
// the job's deliveries then share BullMQ's per-job commands and, in the lane, one claim and one
// record statement. Each subscriber still has its own queue, so groups never mix subscribers.
// With the workers in the same process, `offerLocally` first hands them to the lanes in memory
// (see subscriber-lanes.ts; most come already claimed, see preclaim.ts); only what the lanes do
// not take is enqueued.
import type { NewDelivery } from '../ingest/message-store';
import type { JobDispatcher } from '../queue/dispatcher';
import { type DeliveryRef, firstDeliveriesJob, MAX_DELIVERIES_PER_JOB } from '../queue/jobs';
import { PerTickGroups } from '../queue/per-tick-groups';
import type { Preclaim } from './preclaim';

/** Starts first attempts in this process's lanes; returns the deliveries left to enqueue. */
export type OfferLocally = (deliveries: readonly NewDelivery[]) => DeliveryRef[];

/** This process's delivery lanes, as the ingest side of a ROLE=all process sees them. */
export interface LocalLanes {
  offer: OfferLocally;
  preclaim(): Preclaim | null;
}

export class FirstDeliveries {
  private readonly groups: PerTickGroups;

  constructor(
    dispatcher: JobDispatcher,
    private readonly offerLocally: OfferLocally | null = null,
  ) {
    this.groups = new PerTickGroups(MAX_DELIVERIES_PER_JOB, (groups) =>
      dispatcher.enqueue(groups.map((group) => firstDeliveriesJob(group.key, group.ids))),
    );
  }

  add(deliveries: readonly NewDelivery[]): void {
    const rest = this.offerLocally ? this.offerLocally(deliveries) : deliveries;
    for (const delivery of rest) this.groups.add(delivery.subscriberId, delivery.id);
  }
}
