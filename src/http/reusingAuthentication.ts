import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';

type Inner = ConfigurationBotFrameworkAuthentication;
type AuthenticateRequestResult = Awaited<ReturnType<Inner['authenticateRequest']>>;
type ClaimsIdentity = AuthenticateRequestResult['claimsIdentity'];
type ConnectorFactory = ReturnType<Inner['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<Inner['createUserTokenClient']>>;

/** A Map that forgets its least recently used entry beyond `max`, so no input can make it grow unbounded. */
class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  getOrCreate(key: string, create: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const value = create();
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
    return value;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * The bot's own app id as botbuilder reads it from a request's claims: the audience of a channel's token,
 * the appid claim of the Emulator's, none for an unauthenticated local request.
 */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue('aud') ?? claims.getClaimValue('appid') ?? '';
}

/**
 * botbuilder's CloudAdapter asks its authentication for a new connector factory, a new ConnectorClient
 * (credentials, an HTTP pipeline) and a new user-token client on every incoming activity, even when the
 * replies go back in the response body (expectReplies) and none of them is ever used. This keeps one of
 * each per app id, service URL and audience, as the older BotFrameworkAdapter did, while every request
 * is still authenticated in full by the configuration's own authentication (never cached). The clients
 * hold no per-turn state; their credentials fetch tokens through AppCredentials' process-wide token cache
 * either way. The caches are bounded: in local mode the service URL is whatever a request says.
 */
export class ReusingBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly factories: BoundedCache<ConnectorFactory>;
  private readonly connectors: BoundedCache<Promise<ConnectorClient>>;
  private readonly tokenClients: BoundedCache<Promise<UserTokenClient>>;

  constructor(
    config: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[0],
    options: {
      /** Options of every ConnectorClient built (the bounded HTTP client of src/http/connectorClient.ts). */
      connectorClientOptions?: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[4];
      /** Entries kept per cache. */
      maxEntries?: number;
    } = {},
  ) {
    super(config, undefined, undefined, undefined, options.connectorClientOptions);
    const maxEntries = options.maxEntries ?? 64;
    this.factories = new BoundedCache(maxEntries);
    this.connectors = new BoundedCache(maxEntries);
    this.tokenClients = new BoundedCache(maxEntries);
  }

  /** Authenticates the request as before (every time); only the connector factory handed back is shared. */
  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: this.createConnectorFactory(result.claimsIdentity) };
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    return this.factories.getOrCreate(appId, () => {
      const inner = super.createConnectorFactory(claimsIdentity);
      const factory: ConnectorFactory = {
        create: (serviceUrl: string, audience?: string) =>
          this.reuse(this.connectors, `${appId}\n${serviceUrl}\n${audience ?? ''}`, () =>
            inner.create(serviceUrl, audience),
          ),
      };
      return factory;
    });
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.reuse(this.tokenClients, appIdOf(claimsIdentity), () =>
      super.createUserTokenClient(claimsIdentity),
    );
  }

  /** A cached promise; a failed creation is forgotten so the next request tries again. */
  private reuse<T>(cache: BoundedCache<Promise<T>>, key: string, create: () => Promise<T>): Promise<T> {
    const promise = cache.getOrCreate(key, create);
    promise.catch(() => cache.delete(key));
    return promise;
  }
}
