import type { Server } from 'restify';
import type { Config } from '../../config';
import type { Logger } from '../../logging';
import type { SharedStore } from '../../storage/shared';
import { resources } from '../../i18n';
import type { InternalChannels } from '../internal';
import { registerDirectLine, type DirectLine } from './directLine';
import { registerWebChatPage } from './page';

export { recordingSmsGateway } from './smsScope';
export type { DirectLine } from './directLine';

/** What the composition root hands the web chat. */
export interface WebChatDeps {
  config: Config;
  channels: InternalChannels;
  shared: SharedStore;
  secret: string;
  now: () => Date;
  logger: Logger;
  identifyClient?: (address: string) => string;
}

/**
 * The web chat: the page at `/` and the Direct Line subset under `/v3/directline` (WEBCHAT=true). The
 * sandbox phone exists only with SANDBOX_ENDPOINTS (which config allows only with the sandbox backend
 * and without Bot Framework auth) and the sandbox SMS gateway.
 */
export function registerWebChat(server: Server, deps: WebChatDeps): DirectLine {
  const { config } = deps;
  // Only codes that never leave the machine may be shown: with a real gateway the panel would hand
  // anyone the code sent to a phone that is not theirs.
  const sandboxPhone = config.SANDBOX_ENDPOINTS && config.SMS_GATEWAY === 'sandbox';
  const directLine = registerDirectLine(server, {
    channels: deps.channels,
    shared: deps.shared,
    secret: deps.secret,
    now: deps.now,
    logger: deps.logger,
    tokenMinutes: config.WEBCHAT_TOKEN_MINUTES,
    maxActivities: config.WEBCHAT_MAX_ACTIVITIES,
    idleTimeoutMinutes: config.IDLE_TIMEOUT_MINUTES,
    identifyClient: deps.identifyClient,
    sandbox: sandboxPhone,
  });
  registerWebChatPage(server, {
    texts: (lang) => resources[lang].webchat,
    sandbox: sandboxPhone,
    tokenMinutes: config.WEBCHAT_TOKEN_MINUTES,
  });
  return directLine;
}
