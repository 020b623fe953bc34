// The admin API shapes the CLI reads (docs/contract.md section 5; src/api/schemas.ts has the full ones).

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Subscriber {
  id: string;
  url: string;
  description: string | null;
  enabled: boolean;
  event_types: string[];
  providers: string[];
  accounts: string[];
  format: 'event' | 'raw';
  livemode: 'all' | 'live' | 'test';
  headers: Record<string, string>;
  rate_limit: number | null;
  ordering: 'none' | 'transaction';
  state: 'active' | 'failing' | 'disabled';
  disabled_reason: 'manual' | 'failing' | null;
  failing_since: string | null;
  created_at: string;
}

export interface PingResult {
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
}

export interface CreatedSubscriber extends Subscriber {
  secret: string;
}

export interface RotatedSecret {
  secret: string;
  previous_secret_expires_at: string;
}

export interface Delivery {
  id: string;
  event_id: string;
  subscriber_id: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempt_count: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  updated_at: string;
}

export interface RetryAccepted {
  id: string;
  status: 'pending';
  attempt: number;
}

export interface BulkRetryResult {
  count: number;
  delivery_ids: string[];
}

export interface PaymentEvent {
  id: string;
  type: string;
  provider: string;
  livemode: boolean;
  /** Stored but never delivered (docs/payments.md). */
  superseded: boolean;
  occurred_at: string;
  received_at: string;
  data: {
    transaction_id: string | null;
    subscription_id: string | null;
    amount: string | null;
    currency: string | null;
    customer: { email: string | null };
  };
}

export interface InboundMessage {
  id: string;
  provider: string;
  kind: string;
  received_at: string;
  status: string;
  reason: string | null;
  event_id: string | null;
}

export interface Payment {
  provider: string;
  account: string;
  transaction_id: string;
  order_id: string | null;
  state: string;
  amount: string | null;
  currency: string | null;
  refunded_amount: string | null;
  livemode: boolean;
  customer_email: string | null;
  first_seen_at: string;
  updated_at: string;
}

export interface PaymentTimelineEvent {
  id: string;
  type: string;
  occurred_at: string;
  received_at: string;
  superseded: boolean;
  transaction_id: string | null;
  amount: string | null;
  message_id: string;
  deliveries: { total: number; succeeded: number; pending: number; failed: number };
}

export interface PaymentWithEvents extends Payment {
  events: PaymentTimelineEvent[];
}
