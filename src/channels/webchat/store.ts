import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Activity } from 'botbuilder';
import type { SharedStore } from '../../storage/shared';
import { pseudonymousKey, readStored } from '../../storage/keys';

/**
 * The web chat's conversations in the shared store, so any instance can serve a poll and a reload
 * resumes: per conversation a small record (the user id, the start locale), the activities (capped,
 * oldest dropped), a sequence for watermarks and, in the sandbox, the SMS this conversation caused.
 * Every key is an HMAC of the conversation id; every entry expires after the idle timeout.
 */

/** One stored activity with its place in the conversation (the watermark) and when it was stored. */
const storedActivitySchema = z.object({
  seq: z.number().int().positive(),
  at: z.number(),
  activity: z.record(z.string(), z.unknown()),
});

const conversationSchema = z.object({
  userId: z.string(),
  locale: z.string().optional(),
  startedAt: z.number(),
});

/** The record of a started conversation. */
export type WebChatConversation = z.infer<typeof conversationSchema>;

const sandboxSmsSchema = z.object({ to: z.string(), text: z.string(), sentAt: z.string() });

/** An SMS the sandbox sent for this conversation; `to` is masked (the number is never stored here). */
export type ConversationSms = z.infer<typeof sandboxSmsSchema>;

/**
 * A gap in the sequence (an append that took its number but is not in the list yet) holds a poll back
 * so that no activity is skipped; one older than this is taken as lost (its writer died) and passed.
 */
const GAP_GRACE_MS = 3000;

/** A page of activities after a watermark. */
export interface ActivityPage {
  activities: Partial<Activity>[];
  watermark: string;
}

export interface WebChatStoreDeps {
  store: SharedStore;
  secret: string;
  /** Lifetime of everything after its latest write (the bot's idle timeout). */
  ttlMs: number;
  /** Activities kept per conversation (oldest dropped). */
  maxActivities: number;
  now: () => number;
}

/** The shared-store side of the Direct Line subset. */
export class WebChatStore {
  constructor(private readonly deps: WebChatStoreDeps) {}

  /** Records a new conversation; false when one with this id exists already. */
  async create(conversationId: string, record: WebChatConversation): Promise<boolean> {
    return this.deps.store.setIfAbsent(
      this.key('conv', conversationId),
      JSON.stringify(record),
      this.deps.ttlMs,
    );
  }

  /** The conversation's record, or undefined when it never started or has expired. */
  async conversation(conversationId: string): Promise<WebChatConversation | undefined> {
    const raw = await this.deps.store.get(this.key('conv', conversationId));
    return raw === undefined ? undefined : readStored(conversationSchema, raw, 'web chat conversation');
  }

  /** Keeps a conversation alive for another idle timeout (on every user post). */
  async touch(conversationId: string, record: WebChatConversation): Promise<void> {
    await this.deps.store.set(this.key('conv', conversationId), JSON.stringify(record), this.deps.ttlMs);
  }

  /**
   * Appends an activity; gives it its Direct Line id (`<conversation>|<seq>`) and timestamp and
   * returns the stored copy.
   */
  async append(conversationId: string, activity: Partial<Activity>): Promise<Partial<Activity>> {
    // addToSet's size after adding a fresh random member is an atomic counter on memory and Redis alike.
    const { size: seq } = await this.deps.store.addToSet(
      this.key('seq', conversationId),
      randomBytes(6).toString('base64url'),
      Number.MAX_SAFE_INTEGER,
      this.deps.ttlMs,
    );
    const at = this.deps.now();
    const stored: Partial<Activity> = {
      ...activity,
      id: `${conversationId}|${String(seq).padStart(7, '0')}`,
      timestamp: (activity.timestamp ?? new Date(at)) as Date,
      conversation: { id: conversationId } as Activity['conversation'],
    };
    await this.deps.store.append(
      this.key('activities', conversationId),
      JSON.stringify({ seq, at, activity: stored }),
      this.deps.maxActivities,
      this.deps.ttlMs,
    );
    return stored;
  }

  /**
   * Activities after `watermark` (all kept ones when empty), oldest first, and the new watermark. Stops
   * before a fresh gap in the sequence, so a concurrent append that has its number but is not listed
   * yet is delivered by the next poll instead of being skipped.
   */
  async after(conversationId: string, watermark: number): Promise<ActivityPage> {
    const raw = await this.deps.store.list(this.key('activities', conversationId));
    const entries = raw
      .map((value) => readStored(storedActivitySchema, value, 'web chat activity'))
      .sort((a, b) => a.seq - b.seq);
    const activities: Partial<Activity>[] = [];
    let last = watermark;
    const oldestKept = entries[0]?.seq ?? 0;
    for (const entry of entries) {
      if (entry.seq <= last) continue;
      const gap = entry.seq !== last + 1 && last + 1 >= oldestKept;
      if (gap && this.deps.now() - entry.at < GAP_GRACE_MS) break;
      activities.push(entry.activity as Partial<Activity>);
      last = entry.seq;
    }
    return { activities, watermark: String(last) };
  }

  /** Records an SMS the sandbox sent on behalf of this conversation (sandbox mode only). */
  async recordSms(conversationId: string, sms: ConversationSms): Promise<void> {
    await this.deps.store.append(this.key('sms', conversationId), JSON.stringify(sms), 20, this.deps.ttlMs);
  }

  /** The SMS this conversation caused, oldest first. */
  async smsOf(conversationId: string): Promise<ConversationSms[]> {
    const raw = await this.deps.store.list(this.key('sms', conversationId));
    return raw.map((value) => readStored(sandboxSmsSchema, value, 'web chat sandbox SMS'));
  }

  private key(kind: string, conversationId: string): string {
    return pseudonymousKey(`webchat:${kind}`, this.deps.secret, conversationId);
  }
}
