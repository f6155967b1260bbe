import { callWithPolicy, type OutgoingPolicy } from '../http/outgoing';
import type { Instant, Order, Person } from '../rules/types';
import type { MinIdService } from './service';

/**
 * Any MinID register under the outgoing-call policy: every call fails with an OutgoingCallError (target
 * `minid`) once the budget is spent instead of holding the turn. Only errors the backend marks as
 * RetryableError are tried again; a timed-out order is never repeated (it may have been recorded).
 */
export class TimedMinIdService implements MinIdService {
  constructor(
    private readonly inner: MinIdService,
    private readonly policy: OutgoingPolicy,
  ) {}

  findPerson(nationalId: string): Promise<Person | undefined> {
    return callWithPolicy('minid', this.policy, () => this.inner.findPerson(nationalId));
  }

  recordOrder(nationalId: string, orderedAt: Instant): Promise<Order> {
    return callWithPolicy('minid', this.policy, () => this.inner.recordOrder(nationalId, orderedAt));
  }

  listOrders(nationalId: string): Promise<Order[]> {
    return callWithPolicy('minid', this.policy, () => this.inner.listOrders(nationalId));
  }

  isReady(): Promise<boolean> {
    return callWithPolicy('minid', this.policy, () => this.inner.isReady());
  }
}
