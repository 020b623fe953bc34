import type { AttemptRecord, ClaimedDelivery } from '../../src/delivery/delivery-store';

/** The record of a first attempt made with `claim` that got `statusCode`. */
export function attemptRecordOf(claim: ClaimedDelivery, statusCode: number): AttemptRecord {
  return {
    deliveryId: claim.id,
    subscriberId: claim.subscriberId,
    eventId: claim.eventId,
    claimToken: claim.claimToken,
    number: claim.attemptCount + 1,
    startedAt: new Date(),
    durationMs: 5,
    statusCode,
    error: null,
    responseBody: '',
    trigger: 'scheduled',
    failure: statusCode === 200 ? null : `HTTP ${statusCode}`,
    outcome: statusCode === 200 ? 'succeeded' : 'pending',
    nextAttemptAt: statusCode === 200 ? null : new Date(),
    exhaustedAlertId: null,
  };
}
