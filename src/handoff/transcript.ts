/**
 * The last messages of a conversation, kept for the `protocol` hub's handoff.initiate: a contact-centre
 * agent sees how the user got there. Every text is redacted (src/privacy/redact.ts) before it is stored,
 * so the store never holds a national ID number, phone number or one-time code; the key is the
 * conversation's pseudonym, and the list lives no longer than the conversation's idle timeout.
 */
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { SharedStore } from '../storage/shared';
import { pseudonymize, redactText } from '../privacy/redact';

/** About the last 20 messages, both sides: enough to see what went wrong, no more. */
export const TRANSCRIPT_MESSAGES = 20;
/** A longer message is cut: an agent needs the gist, and the store stays small. */
const MAX_TEXT = 500;

const Entry = z.object({ from: z.enum(['user', 'bot']), text: z.string(), at: z.string() });
export type TranscriptEntry = z.infer<typeof Entry>;

export interface ConversationTranscriptsDeps {
  store: SharedStore;
  secret: string;
  /** The idle timeout: a transcript of a conversation that has gone quiet goes with it. */
  ttlMs: number;
  clock: () => Date;
  maxMessages?: number;
}

export class ConversationTranscripts {
  constructor(private readonly deps: ConversationTranscriptsDeps) {}

  private key(context: TurnContext): string {
    const a = context.activity;
    return `transcript:${pseudonymize(`${a.channelId ?? ''}|${a.conversation?.id ?? ''}`, this.deps.secret)}`;
  }

  private async append(context: TurnContext, from: TranscriptEntry['from'], text: string): Promise<void> {
    const clean = redactText(text.trim()).slice(0, MAX_TEXT);
    if (!clean) return;
    const entry: TranscriptEntry = { from, text: clean, at: this.deps.clock().toISOString() };
    await this.deps.store.append(
      this.key(context),
      JSON.stringify(entry),
      this.deps.maxMessages ?? TRANSCRIPT_MESSAGES,
      this.deps.ttlMs,
    );
  }

  /**
   * Keeps this turn's user message and, as they are sent, the bot's replies. Call once per turn, before
   * anything is sent.
   */
  async record(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (a.type === ActivityTypes.Message && a.text) await this.append(context, 'user', a.text);
    context.onSendActivities(async (ctx, activities, next) => {
      const replies = await next();
      for (const sent of activities) {
        if (sent.type === ActivityTypes.Message && sent.text) await this.append(ctx, 'bot', sent.text);
      }
      return replies;
    });
  }

  /** The kept messages, oldest first (unreadable entries are skipped, never thrown). */
  async read(context: TurnContext): Promise<TranscriptEntry[]> {
    const out: TranscriptEntry[] = [];
    for (const raw of await this.deps.store.list(this.key(context))) {
      try {
        const parsed = Entry.safeParse(JSON.parse(raw));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // A broken entry is left out; the rest of the transcript still helps the agent.
      }
    }
    return out;
  }

  /**
   * The transcript as Bot Framework activities (botframework-schema's Transcript), the shape
   * EventFactory.createHandoffInitiation attaches: text, role and time, and the conversation's own ids
   * (the platform needs them to match); no names.
   */
  async activities(context: TurnContext): Promise<Activity[]> {
    const a = context.activity;
    const conversation = { id: a.conversation?.id ?? '', isGroup: false, conversationType: '', name: '' };
    const user = { id: a.from?.id ?? '', name: '', role: 'user' };
    const bot = { id: a.recipient?.id ?? '', name: '', role: 'bot' };
    return (await this.read(context)).map((e) => ({
      type: ActivityTypes.Message,
      text: e.text,
      timestamp: new Date(e.at),
      from: e.from === 'user' ? user : bot,
      recipient: e.from === 'user' ? bot : user,
      conversation,
      channelId: a.channelId ?? '',
      serviceUrl: a.serviceUrl ?? '',
      localTimezone: '',
      callerId: '',
      label: '',
      valueType: '',
      listenFor: [],
    }));
  }
}
