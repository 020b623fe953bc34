// Valid provider bodies made by the repository's own simulators (no fixture files needed).

import { randomTwocheckoutIds } from '../../providers/2checkout/simulator/twocheckout-ids';
import {
  buildTwocheckoutMessage,
  type TwocheckoutEventType,
} from '../../providers/2checkout/simulator/twocheckout-message';
import { randomPaypalIds } from '../../providers/paypal/simulator/paypal-ids';
import { buildPaypalMessage } from '../../providers/paypal/simulator/paypal-message';
import { findPaypalTemplate } from '../../providers/paypal/simulator/paypal-templates';
import { TWOCHECKOUT_TEST_KEY } from './gateway';

export const SIMULATOR_KEY = 'test-simulator-key';

/** A signed 2Checkout IPN (or LCN for `license.changed`) of buyer `sequence`. */
export function twocheckoutMessage(sequence = 0, type: TwocheckoutEventType = 'payment.completed') {
  const message = buildTwocheckoutMessage({
    type,
    ids: randomTwocheckoutIds(),
    now: new Date(),
    secretKey: TWOCHECKOUT_TEST_KEY,
    algorithms: ['sha256'],
    sequence,
  });
  return { path: message.path, body: message.body };
}

/** A sandbox PayPal IPN of buyer `sequence` (test_ipn=1), verified by whatever fake PayPal answers. */
export function paypalMessage(sequence = 0, type = 'payment.completed') {
  const template = findPaypalTemplate(type);
  if (!template) throw new Error(`no PayPal template for ${type}`);
  const message = buildPaypalMessage({
    template,
    ids: randomPaypalIds(),
    now: new Date(),
    key: SIMULATOR_KEY,
    sequence,
  });
  return { path: '/ipn/paypal', body: message.body };
}
