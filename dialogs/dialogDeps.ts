import type { BotState } from 'botbuilder';
import type { Clock } from '../src/clock';
import type { AbuseLimits } from '../src/limits';
import type { Logger } from '../src/logging';
import type { FunnelMetrics } from '../src/metrics';
import type { MinIdService } from '../src/minid/service';
import type { SmsGateway } from '../src/sms/gateway';
import type { OneTimeCodes } from '../src/verification/codes';

/** Everything the dialogs need from the outside, handed in by the composition root (or a test). */
export interface DialogDeps {
  clock: Clock;
  minid: MinIdService;
  sms: SmsGateway;
  codes: OneTimeCodes;
  /** Limits over the shared store that outlive an attempt and a conversation (codes, locks, lookups). */
  limits: AbuseLimits;
  logger: Logger;
  /** Tenor synthetic numbers are accepted only in the sandbox. */
  acceptSynthetic: boolean;
  /** Removes everything the bot holds about the conversation ("slett samtalen"). */
  conversationState: BotState;
  /** Records the order funnel (labels from fixed lists only); absent = nothing is recorded. */
  metrics?: FunnelMetrics;
}
