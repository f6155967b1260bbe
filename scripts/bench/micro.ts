/**
 * What each cut saves per turn, measured in-process on the code path alone (minimum of several trials, so
 * a busy machine disturbs it far less than the end-to-end rounds):
 *   1. the CloudAdapter's per-activity authentication, connector client and user-token client, stock
 *      (ConfigurationBotFrameworkAuthentication) against ReusingBotFrameworkAuthentication;
 *   2. recognising a free-text answer at the menu, stock ChoicePrompt against ReusingChoicePrompt;
 *   3. one state hash (botbuilder's calculateChangeHash: stringify + SHA-256), which EtagConversationState
 *      now computes once per save instead of twice.
 *
 *   npx ts-node -T scripts/bench/micro.ts        (or node dist/scripts/bench/micro.js after npm run build)
 */
import {
  ConfigurationBotFrameworkAuthentication,
  TestAdapter,
  TurnContext,
  calculateChangeHash,
  type Activity,
} from 'botbuilder';
import { ChoicePrompt, ListStyle, type PromptOptions } from 'botbuilder-dialogs';
import { createI18n } from '../../src/i18n';
import { ReusingBotFrameworkAuthentication } from '../../src/http/reusingAuthentication';
import { ReusingChoicePrompt, promptDefaults } from '../../dialogs/prompts';

const activity = (text: string): Activity =>
  ({
    type: 'message',
    text,
    locale: 'nb-NO',
    channelId: 'webchat',
    serviceUrl: 'http://127.0.0.1:9',
    from: { id: 'u', name: '' },
    recipient: { id: 'b', name: '' },
    conversation: { id: 'c', name: '', isGroup: false },
  }) as Activity;

/** Microseconds per call: the best of `trials` runs of `n` calls (after a warm-up run). */
async function perCall(fn: () => Promise<unknown>, n = 2000, trials = 5): Promise<number> {
  for (let i = 0; i < n; i += 1) await fn();
  let best = Infinity;
  for (let t = 0; t < trials; t += 1) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i += 1) await fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / n);
  }
  return best;
}

async function main(): Promise<void> {
  const auths = {
    stock: new ConfigurationBotFrameworkAuthentication({}),
    reusing: new ReusingBotFrameworkAuthentication({}),
  };
  const a = activity('hei');
  const clients = async (auth: ConfigurationBotFrameworkAuthentication) => {
    const r = await auth.authenticateRequest(a, '');
    await r.connectorFactory?.create(a.serviceUrl, r.audience);
    await auth.createUserTokenClient(r.claimsIdentity);
  };
  const stockAuth = await perCall(() => clients(auths.stock));
  const reusingAuth = await perCall(() => clients(auths.reusing));
  console.log(
    `adapter clients per activity: stock ${stockAuth.toFixed(0)} µs, reused ${reusingAuth.toFixed(0)} µs CPU (saves ${(stockAuth - reusingAuth).toFixed(0)} µs a turn)`,
  );

  const defaults = promptDefaults(await createI18n());
  class Stock extends ChoicePrompt {
    run(text: string, options: PromptOptions) {
      return this.onRecognize(new TurnContext(new TestAdapter(), activity(text)), {}, options);
    }
  }
  class Reusing extends ReusingChoicePrompt {
    run(text: string, options: PromptOptions) {
      return this.onRecognize(new TurnContext(new TestAdapter(), activity(text)), {}, options);
    }
  }
  const stock = new Stock('s', undefined, 'nb-no', defaults.choice);
  const reusing = new Reusing('r', undefined, 'nb-no', defaults.choice);
  stock.style = ListStyle.suggestedAction;
  reusing.style = ListStyle.suggestedAction;
  const options: PromptOptions = {
    choices: [
      'Bestille aktiveringsbrev',
      'Spørsmål om brevet',
      'Ta i bruk MinID-appen',
      'Snakke med et menneske',
    ],
  };
  for (const text of ['hvor lang tid tar det?', '2', 'Bestille aktiveringsbrev']) {
    const s = await perCall(() => stock.run(text, options), 500);
    const r = await perCall(() => reusing.run(text, options), 500);
    console.log(
      `menu answer "${text}": ChoicePrompt ${s.toFixed(0)} µs, ReusingChoicePrompt ${r.toFixed(0)} µs CPU (saves ${(s - r).toFixed(0)} µs)`,
    );
  }
}

/** A conversation state as stored at the app-guide question after an order (about 1 KB of JSON). */
const AT_REST = {
  session: { lang: 'nb', langSource: 'channel', lastSeenAt: '2026-11-24T11:00:01.712Z', welcomed: true },
  dialogState: {
    dialogStack: [
      {
        id: 'mainDialog',
        state: {
          dialogs: {
            dialogStack: [
              {
                id: 'mainWaterfall',
                state: {
                  options: { useTurnText: true },
                  values: { instanceId: 'a'.repeat(36) },
                  stepIndex: 1,
                },
              },
              {
                id: 'orderDialog',
                state: {
                  dialogs: {
                    dialogStack: [
                      {
                        id: 'orderWaterfall',
                        state: { options: {}, values: { instanceId: 'b'.repeat(36) }, stepIndex: 2 },
                      },
                      {
                        id: 'appGuideConfirm',
                        state: {
                          options: {
                            prompt: { type: 'message', text: 'x'.repeat(110), inputHint: 'acceptingInput' },
                            retryPrompt: {
                              type: 'message',
                              text: 'Svar ja eller nei.',
                              inputHint: 'acceptingInput',
                            },
                            validations: {
                              localized: {
                                prompt: [['order.offerAppGuide']],
                                retry: [['prompts.yesNoRetry']],
                              },
                            },
                          },
                          state: {},
                        },
                      },
                    ],
                  },
                },
                version: '-1645486823',
              },
            ],
          },
        },
        version: '1234567890',
      },
    ],
  },
};

async function stateHash(): Promise<void> {
  const us = await perCall(async () => calculateChangeHash(AT_REST), 2000);
  console.log(
    `one state hash (${JSON.stringify(AT_REST).length} B of JSON): ${us.toFixed(0)} µs CPU, saved once per saving turn`,
  );
}

main()
  .then(stateHash)
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
