import { callWithPolicy, type OutgoingPolicy } from '../http/outgoing';
import type { SmsGateway } from './gateway';

/**
 * Any SMS gateway under the outgoing-call policy: a send that takes longer than the budget fails with
 * an OutgoingCallError (target `sms`) instead of holding the turn. Only errors the gateway itself marks
 * as RetryableError are tried again (it knows nothing was sent); a timed-out send is never repeated,
 * since the message may already be on its way and a second code would confuse.
 */
export class TimedSmsGateway implements SmsGateway {
  constructor(
    private readonly inner: SmsGateway,
    private readonly policy: OutgoingPolicy,
  ) {}

  send(to: string, text: string): Promise<void> {
    return callWithPolicy('sms', this.policy, () => this.inner.send(to, text));
  }
}
