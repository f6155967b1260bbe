/**
 * Channels the bot serves itself: the web chat page's Direct Line subset and the SMS webhook. Their
 * users' activities arrive at our own routes, already authenticated by that route (a signed Direct
 * Line token, a Twilio signature), and the bot's replies must land back in that channel's own store,
 * never go out over HTTP. So each internal channel gets a serviceUrl on a reserved host
 * (`https://<name>.channels.internal`) that no DNS resolves, and:
 * - the connector's HTTP client hands posts to such a URL to the channel's sink in-process
 *   ({@link InternalChannels.route}), so there is no HTTP route anyone could post bot messages to;
 * - turns run through the adapter in-process ({@link InternalChannels.runTurn}) with an anonymous
 *   connector, so an authenticated deployment does not fetch Azure tokens for a channel that is ours;
 * - proactive messages (handoff relay, idle notes) to such a conversation take the same way
 *   ({@link InternalChannels.continueConversation});
 * - `/api/messages` refuses activities that claim an internal serviceUrl or conversation
 *   ({@link InternalChannels.claims}), so nobody can drive or read an internal conversation from outside.
 */
import { randomBytes } from 'node:crypto';
import {
  ActivityTypes,
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import {
  AuthenticationConstants,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
} from 'botframework-connector';
import type { ConnectorHttpClient } from '../http/connectorClient';

/** The reserved host suffix; `.internal` is never delegated in public DNS. */
const HOST_SUFFIX = '.channels.internal';

/** What an internal channel does with the bot's replies for one of its conversations. */
export interface ChannelSink {
  /**
   * Keeps or forwards one bot activity (message, typing, event) for `conversationId`; returns the id
   * the bot's connector reports back. Throwing fails the post like an unreachable channel would.
   */
  deliver(conversationId: string, activity: Partial<Activity>): Promise<string>;
}

/** A connector request routed to a sink: the conversation and the posted activity. */
export interface InternalRoute {
  sink: ChannelSink;
  conversationId: string;
}

/** Raised for a reply post to an internal serviceUrl that no sink (or no supported operation) serves. */
export class UnknownInternalRouteError extends Error {
  constructor(readonly url: string) {
    super('no internal channel serves this connector request');
    this.name = 'UnknownInternalRouteError';
  }
}

/** Credentials that sign nothing: a post to an internal channel never leaves the process. */
const NO_CREDENTIALS = { signRequest: async <T>(request: T): Promise<T> => request };

/** Builds connector clients for internal serviceUrls only, over the bounded, routing HTTP client. */
class InternalConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly channels: InternalChannels,
    private readonly httpClient: ConnectorHttpClient,
  ) {
    super();
  }

  async create(serviceUrl: string): Promise<ConnectorClient> {
    if (!this.channels.owns(serviceUrl)) throw new UnknownInternalRouteError(serviceUrl);
    return new ConnectorClient(NO_CREDENTIALS, { baseUri: serviceUrl, httpClient: this.httpClient });
  }
}

/**
 * The registry of internal channels. The composition root builds one, gives it to the connector HTTP
 * client (for {@link route}) and to the adapter-facing pieces (web chat, SMS, handoff delivery).
 */
export class InternalChannels {
  private readonly sinks = new Map<string, { sink: ChannelSink; prefix: string }>();
  private adapter: CloudAdapter | undefined;
  private factory: InternalConnectorFactory | undefined;
  private botAppId = '';
  private logic: ((context: TurnContext) => Promise<void>) | undefined;

  /**
   * Registers a channel by a short name (`webchat`, `sms`); returns its serviceUrl. Every conversation
   * id of the channel must start with `prefix`, so `/api/messages` can refuse ids of ours.
   */
  register(name: string, prefix: string, sink: ChannelSink): string {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) throw new Error(`bad internal channel name: ${name}`);
    if (!/^[a-z][a-z0-9]{1,15}-$/.test(prefix)) throw new Error(`bad conversation id prefix: ${prefix}`);
    this.sinks.set(name, { sink, prefix });
    return this.serviceUrl(name);
  }

  /** The serviceUrl of the internal channel `name`. */
  serviceUrl(name: string): string {
    return `https://${name}${HOST_SUFFIX}/`;
  }

  /** True when `serviceUrl` is on the reserved internal host (registered or not). */
  owns(serviceUrl: string | undefined): boolean {
    if (!serviceUrl) return false;
    try {
      return new URL(serviceUrl).hostname.toLowerCase().endsWith(HOST_SUFFIX);
    } catch {
      return false;
    }
  }

  /** A fresh, unguessable conversation id for channel `name` (128 random bits after its prefix). */
  newConversationId(name: string): string {
    const entry = this.sinks.get(name);
    if (!entry) throw new Error(`internal channel not registered: ${name}`);
    return `${entry.prefix}${randomBytes(16).toString('base64url')}`;
  }

  /**
   * True when an activity arriving from outside claims to be one of ours: an internal serviceUrl, or a
   * conversation id with a registered prefix. `/api/messages` refuses such activities.
   */
  claims(activity: Partial<Activity>): boolean {
    if (this.owns(activity.serviceUrl)) return true;
    const id = activity.conversation?.id;
    if (typeof id !== 'string') return false;
    for (const { prefix } of this.sinks.values()) if (id.startsWith(prefix)) return true;
    return false;
  }

  /**
   * The sink for a connector request to an internal serviceUrl: only `POST .../v3/conversations/{id}/
   * activities[/{replyToId}]` (send and reply) is served; undefined for any URL not on the internal host.
   * Throws {@link UnknownInternalRouteError} for an internal URL nobody serves.
   */
  route(method: string, url: string): InternalRoute | undefined {
    if (!this.owns(url)) return undefined;
    const parsed = new URL(url);
    const name = parsed.hostname.toLowerCase().slice(0, -HOST_SUFFIX.length);
    const entry = this.sinks.get(name);
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?\/?$/.exec(parsed.pathname);
    if (!entry || !match || method.toUpperCase() !== 'POST') throw new UnknownInternalRouteError(url);
    const conversationId = decodeURIComponent(match[1]);
    if (!conversationId.startsWith(entry.prefix)) throw new UnknownInternalRouteError(url);
    return { sink: entry.sink, conversationId };
  }

  /**
   * Connects the adapter, the connector HTTP client and the bot's turn (`bot.run`); called once by the
   * composition root. `botAppId` ('' in local mode) goes into the turn's claims as for a proactive turn.
   */
  connect(deps: {
    adapter: CloudAdapter;
    httpClient: ConnectorHttpClient;
    botAppId: string;
    logic: (context: TurnContext) => Promise<void>;
  }): void {
    this.adapter = deps.adapter;
    this.factory = new InternalConnectorFactory(this, deps.httpClient);
    this.botAppId = deps.botAppId;
    this.logic = deps.logic;
  }

  /**
   * Runs one turn for an activity an internal channel received and authenticated itself. The
   * activity's serviceUrl must be the channel's own. `prepare` runs first in the turn (an edge sets
   * its per-turn values there, e.g. the client pseudonym for the limits). Replies go to the channel's
   * sink, or, with `deliveryMode: 'expectReplies'`, are returned.
   */
  async runTurn(
    activity: Partial<Activity>,
    prepare?: (context: TurnContext) => void,
  ): Promise<Partial<Activity>[] | undefined> {
    const { adapter, factory, logic } = this.connected();
    if (!this.owns(activity.serviceUrl)) throw new UnknownInternalRouteError(String(activity.serviceUrl));
    let replies: Partial<Activity>[] | undefined;
    await adapter.processActivityDirect(
      this.authentication(factory),
      activity as Activity,
      async (context) => {
        // Taken before the turn runs: the error handler's apology is buffered after a failed turn, too.
        if (activity.deliveryMode === 'expectReplies') replies = context.bufferedReplyActivities;
        prepare?.(context);
        await logic(context);
      },
    );
    return replies;
  }

  /** Runs `logic` in a proactive turn for a conversation of an internal channel (bot-initiated sends). */
  async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const { adapter, factory } = this.connected();
    if (!this.owns(reference.serviceUrl)) throw new UnknownInternalRouteError(String(reference.serviceUrl));
    const event = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'ContinueConversation' },
      reference,
      true,
    );
    await adapter.processActivityDirect(this.authentication(factory), event as Activity, logic);
  }

  /**
   * What the adapter would have made of an authenticated request: the bot's own claims (as for a
   * proactive turn, so the user token client can be built) and our anonymous connector factory.
   */
  private authentication(factory: InternalConnectorFactory) {
    return {
      audience: '',
      claimsIdentity: new ClaimsIdentity([
        { type: AuthenticationConstants.AudienceClaim, value: this.botAppId },
        { type: AuthenticationConstants.AppIdClaim, value: this.botAppId },
      ]),
      connectorFactory: factory,
    };
  }

  private connected() {
    if (!this.adapter || !this.factory || !this.logic) {
      throw new Error('internal channels not connected to the adapter');
    }
    return { adapter: this.adapter, factory: this.factory, logic: this.logic };
  }
}

/** The connector's answer to a post a sink took: `{ id }`, as the Bot Connector service answers. */
export function resourceResponse(id: string): ResourceResponse {
  return { id };
}
