/** The channels' rules, as the Teams and SMS tests check them on every reply. */
import type { Activity } from 'botbuilder';
import { isGsm7, smsSegments } from '../../src/bot/render';

/** What breaks Teams' rules in one activity; empty when it is fine. */
export function teamsViolations(a: Partial<Activity>): string[] {
  const out: string[] = [];
  const actions = a.suggestedActions?.actions ?? [];
  const attachments = a.attachments ?? [];
  if (actions.length > 3) out.push(`${actions.length} suggested actions`);
  if (actions.length && attachments.length) out.push('suggested actions beside attachments');
  for (const att of attachments) {
    const content = att.content as { buttons?: unknown[]; version?: string } | undefined;
    if (att.contentType === 'application/vnd.microsoft.card.hero' && (content?.buttons?.length ?? 0) > 6) {
      out.push(`hero card with ${content?.buttons?.length} buttons`);
    } else if (att.contentType === 'application/vnd.microsoft.card.adaptive') {
      if (Number(content?.version ?? '99') > 1.5) out.push(`adaptive card ${content?.version}`);
    } else if (att.contentType !== 'application/vnd.microsoft.card.hero') {
      out.push(`attachment ${att.contentType}`);
    }
  }
  return out;
}

/** What breaks the SMS rules in one activity; empty when it is fine. */
export function smsViolations(a: Partial<Activity>): string[] {
  if (a.type !== 'message') return [`a ${a.type} activity`];
  const out: string[] = [];
  if (a.attachments?.length) out.push('attachments');
  if (a.suggestedActions?.actions?.length) out.push('suggested actions');
  const text = a.text ?? '';
  if (!text.trim()) out.push('empty text');
  if (!isGsm7(text)) out.push('not GSM-7');
  const { segments, encoding } = smsSegments(text);
  if (encoding !== 'GSM-7' || segments > 2) out.push(`${segments} ${encoding} segments`);
  return out;
}
