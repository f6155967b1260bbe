import { AsyncLocalStorage } from 'node:async_hooks';
import type { SmsGateway } from '../../sms/gateway';

/**
 * Which SMS a conversation caused, for the web chat's sandbox phone: the web chat runs each turn inside
 * {@link withSmsRecorder}, and the gateway the dialogs use is wrapped by {@link recordingSmsGateway}, so
 * a code sent during that turn is also handed to that conversation's recorder. The panel then shows
 * what this conversation sent and nothing else, without keeping any phone number to look outboxes up.
 */

/** Told of every SMS sent successfully during the turn it was set for. */
export type SmsRecorder = (to: string, text: string) => Promise<void>;

const scope = new AsyncLocalStorage<SmsRecorder>();

/** Runs `work` (a turn) with `recorder` told of the SMS it sends. */
export function withSmsRecorder<T>(recorder: SmsRecorder, work: () => Promise<T>): Promise<T> {
  return scope.run(recorder, work);
}

/**
 * `inner`, plus: after a successful send inside {@link withSmsRecorder}, the recorder is told. Outside
 * such a scope (every other channel, and outside sandbox mode where no recorder is ever set) it is
 * `inner` unchanged. A failing recorder never fails the send: the SMS went out.
 */
export function recordingSmsGateway(inner: SmsGateway): SmsGateway {
  return {
    async send(to: string, text: string): Promise<void> {
      await inner.send(to, text);
      const recorder = scope.getStore();
      if (recorder) await recorder(to, text).catch(() => undefined);
    },
  };
}
