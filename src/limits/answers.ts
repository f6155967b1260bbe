import type { TextPart } from '../bot/text';
import { retryWording, type LimitName } from '../rules';
import type { LimitRefusal } from './limits';

/**
 * The text of each limit. Both wrong-code locks share one text, so the answer never tells whether it was
 * the phone or the ID number that was locked (that would reveal someone else's attempts).
 */
const LIMIT_TEXT: Record<LimitName, string> = {
  'codes-per-phone': 'limits.codesPerPhone',
  'codes-per-conversation': 'limits.codesPerConversation',
  'codes-per-client': 'limits.codesPerClient',
  'wrong-codes-phone': 'limits.wrongCodes',
  'wrong-codes-id': 'limits.wrongCodes',
  'ids-per-phone': 'limits.idsPerPhone',
  'messages-per-conversation': 'limits.messagesPerConversation',
};

/** When a limit lets the user try again: in minutes, or as a clock time when the wait is long. */
export function retryPart(refusal: LimitRefusal): TextPart {
  const wording = retryWording(refusal.retryAfterMs, refusal.retryAt);
  return wording.unit === 'minutes'
    ? ['limits.retryIn', { count: wording.minutes }]
    : ['limits.retryAt', { at: wording.at }];
}

/** What a limit refused and when the user may try again, as text parts for the text layer. */
export function limitParts(refusal: LimitRefusal): TextPart[] {
  return [[LIMIT_TEXT[refusal.limit]], retryPart(refusal)];
}
