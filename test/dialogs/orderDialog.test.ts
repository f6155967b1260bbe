import { DialogTurnStatus } from 'botbuilder-dialogs';
import { ruleParams } from '../../dialogs/answers';
import { OrderDialog } from '../../dialogs/orderDialog';
import { SUPPORT, decideOrder, letterStatus, type OrderDecision } from '../../src/rules';
import {
  DialogDriver,
  MOBILE,
  NOW,
  PEOPLE,
  containsDigits,
  date,
  lastCode,
  loadShared,
  makeDeps,
  storageText,
  text,
  type Shared,
  type TestDeps,
} from './support';

let shared: Shared;
beforeAll(async () => {
  shared = await loadShared();
});

function start(env: TestDeps = makeDeps(), lang: 'nb' | 'nn' | 'en' = 'nb') {
  return new DialogDriver(shared, env, new OrderDialog(env.deps, shared.prompts), undefined, lang);
}

/** Runs the flow up to and including the code; returns the replies of the code turn. */
async function orderUpToCode(env: TestDeps, driver: DialogDriver, nationalId: string): Promise<string[]> {
  expect(await driver.send('jeg vil bestille')).toEqual([
    text(shared, driver.lang, 'order.intro'),
    text(shared, driver.lang, 'nationalId.ask'),
  ]);
  const confirmed = await driver.send(nationalId);
  expect(confirmed[0]).toBe(
    text(shared, driver.lang, 'nationalId.received', { lastTwo: nationalId.slice(-2) }),
  );
  expect(confirmed.at(-1)).toBe(text(shared, driver.lang, 'phone.ask'));
  const sent = await driver.send(MOBILE.typed);
  expect(sent[0]).toContain(MOBILE.masked);
  return driver.send(await lastCode(env.sms, MOBILE.e164));
}

/** What the rules module says for a sandbox person today, so no date below is taken on trust. */
async function decisionFor(env: TestDeps, nationalId: string): Promise<OrderDecision> {
  const person = await env.minid.findPerson(nationalId);
  if (!person) throw new Error('not in the sandbox');
  return decideOrder(person, NOW);
}

function expectNoDigitsKept(env: TestDeps, driver: DialogDriver, nationalId: string) {
  expect(containsDigits(storageText(env.memory), nationalId)).toBe(false);
  expect(storageText(env.memory)).not.toContain(MOBILE.e164);
  for (const reply of driver.transcript) {
    expect(containsDigits(reply, nationalId)).toBe(false);
    expect(reply.replace(/\s/g, '')).not.toContain('41234567');
  }
}

describe('OrderDialog', () => {
  it('orders for an adult with only a residential address, then "nei" to the app guide', async () => {
    const env = makeDeps();
    const driver = start(env);
    const decision = await decisionFor(env, PEOPLE.adultPlain);
    expect(decision).toEqual({
      outcome: 'can-order',
      deliveryBy: '2026-12-08',
      validUntil: '2027-01-23',
      address: 'residential',
      careOf: false,
    });
    const replies = await orderUpToCode(env, driver, PEOPLE.adultPlain);
    expect(replies).toEqual([
      'Takk, koden er riktig.',
      'Aktiveringsbrevet ditt er bestilt! Du kan regne med at det kommer rundt 8. desember 2026. ' +
        'Brevet er gyldig til 23. januar 2027. Det sendes til bostedsadressen din i Folkeregisteret. ' +
        'Du får ikke beskjed når brevet er sendt; posten kan bruke opptil 14 dager.',
      expect.stringContaining(text(shared, 'nb', 'order.offerAppGuide')),
    ]);
    expect(await env.minid.listOrders(PEOPLE.adultPlain)).toEqual([
      { orderedAt: new Date(NOW).toISOString() },
    ]);

    expect(await driver.say('nei')).toBe(text(shared, 'nb', 'order.appGuideLater'));
    expect(driver.status).toBe(DialogTurnStatus.complete);
    expectNoDigitsKept(env, driver, PEOPLE.adultPlain);
  });

  it('uses the postal address when there is one', async () => {
    const env = makeDeps();
    const driver = start(env);
    expect(await decisionFor(env, PEOPLE.adultPostal)).toMatchObject({ address: 'postal', careOf: false });
    const replies = await orderUpToCode(env, driver, PEOPLE.adultPostal);
    expect(replies[1]).toContain('rundt 8. desember 2026');
    expect(replies[1]).toContain('Det sendes til postadressen din i Folkeregisteret.');
    expect(replies[1]).not.toContain('c/o');
  });

  it('says a c/o postal address is fine', async () => {
    const env = makeDeps();
    const driver = start(env);
    expect(await decisionFor(env, PEOPLE.adultCareOf)).toMatchObject({ address: 'postal', careOf: true });
    const replies = await orderUpToCode(env, driver, PEOPLE.adultCareOf);
    expect(replies[1]).toContain(
      'Det sendes til postadressen din i Folkeregisteret. Postadressen din er en c/o-adresse, og det går fint.',
    );
    // Register data is never shown: not the c/o name, not the street.
    expect(driver.transcript.join('\n')).not.toMatch(/Universitetssykehuset|Sykehusveien|Tromsø/);
  });

  it('orders for a D-number holder', async () => {
    const env = makeDeps();
    const driver = start(env);
    const replies = await orderUpToCode(env, driver, PEOPLE.dNumber);
    expect(replies[1]).toMatch(/^Aktiveringsbrevet ditt er bestilt!/);
    expect(replies[1]).toContain('bostedsadressen');
    expect(await env.minid.listOrders(PEOPLE.dNumber)).toHaveLength(1);
    await driver.say('nei');
    expectNoDigitsKept(env, driver, PEOPLE.dNumber);
  });

  it('refuses someone who already has MinID and offers support', async () => {
    const env = makeDeps();
    const driver = start(env);
    const replies = await orderUpToCode(env, driver, PEOPLE.hasMinId);
    expect(replies).toEqual([
      'Takk, koden er riktig.',
      text(shared, 'nb', 'outcome.has-minid', ruleParams()),
    ]);
    expect(replies[1]).toContain(SUPPORT.phone);
    expect(driver.status).toBe(DialogTurnStatus.complete);
    expect(await env.minid.listOrders(PEOPLE.hasMinId)).toEqual([]);
    expectNoDigitsKept(env, driver, PEOPLE.hasMinId);
  });

  it('refuses while an earlier order is valid, with that order’s own dates', async () => {
    const env = makeDeps();
    const driver = start(env);
    const decision = await decisionFor(env, PEOPLE.activeOrder);
    expect(decision).toEqual({
      outcome: 'active-order',
      orderedOn: '2026-11-04',
      deliveryBy: '2026-11-18',
      validUntil: '2027-01-03',
      newOrderFrom: '2027-01-03',
    });
    expect([decision.outcome === 'active-order' && date(decision.deliveryBy)]).toEqual(['18. november 2026']);
    const replies = await orderUpToCode(env, driver, PEOPLE.activeOrder);
    // On 24 November the expected delivery (18 November) has passed: the reply says so.
    expect(replies[1]).toBe(
      'Du bestilte allerede et brev 4. november 2026, så det skulle vært framme rundt 18. november 2026. ' +
        'Det er gyldig til 3. januar 2027, og du kan bestille et nytt fra 3. januar 2027. ' +
        `Har det ikke kommet, eller trenger du nytt brev før det, kan brukerstøtten hjelpe: ${SUPPORT.phone}.`,
    );
    expect(await env.minid.listOrders(PEOPLE.activeOrder)).toHaveLength(1);
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('says "expect it around" while an earlier order is still on its way', async () => {
    const env = makeDeps();
    env.clock.set('2026-11-10T12:00:00+01:00');
    const driver = start(env);
    const replies = await orderUpToCode(env, driver, PEOPLE.activeOrder);
    expect(replies[1]).toBe(
      'Du bestilte allerede et brev 4. november 2026; du kan regne med det rundt 18. november 2026. ' +
        'Det er gyldig til 3. januar 2027, og du kan bestille et nytt fra 3. januar 2027. ' +
        `Trenger du nytt brev før det, kan brukerstøtten hjelpe: ${SUPPORT.phone}.`,
    );
  });

  it('lets someone whose last order expired order again', async () => {
    const env = makeDeps();
    const driver = start(env);
    expect(letterStatus('2026-09-01', '2026-11-24').phase).toBe('expired');
    const replies = await orderUpToCode(env, driver, PEOPLE.expiredOrder);
    expect(replies[1]).toMatch(/^Aktiveringsbrevet ditt er bestilt!/);
  });

  it('cannot order without a registered address, explains why and offers support', async () => {
    const env = makeDeps();
    const driver = start(env);
    const replies = await orderUpToCode(env, driver, PEOPLE.noAddress);
    expect(replies).toEqual([
      'Takk, koden er riktig.',
      text(shared, 'nb', 'outcome.no-address'),
      text(shared, 'nb', 'human.contact', ruleParams()),
    ]);
    expect(replies[1]).toContain('Skatteetaten');
    expect(replies[2]).toContain(SUPPORT.phone);
    expect(await env.minid.listOrders(PEOPLE.noAddress)).toEqual([]);
  });

  it('says "too young" after the number, before asking for a phone', async () => {
    const env = makeDeps();
    const driver = start(env);
    await driver.say('jeg vil bestille');
    const replies = await driver.send(PEOPLE.turns12);
    expect(replies.join(' ')).toContain('1. januar 2027');
    expect(replies.join(' ')).not.toContain(text(shared, 'nb', 'phone.ask'));
    expect(driver.status).toBe(DialogTurnStatus.complete);
    expect(env.smsSend).not.toHaveBeenCalled();
  });

  it('looks the person up only after the code is verified', async () => {
    const env = makeDeps();
    const findPerson = jest.spyOn(env.minid, 'findPerson');
    const driver = start(env);
    await driver.say('jeg vil bestille');
    await driver.say(PEOPLE.adultPlain);
    await driver.say(MOBILE.typed);
    const code = await lastCode(env.sms, MOBILE.e164);
    await driver.say('000000' === code ? '111111' : '000000');
    expect(findPerson).not.toHaveBeenCalled();
    await driver.say(code);
    expect(findPerson).toHaveBeenCalledTimes(1);
    expect(findPerson).toHaveBeenCalledWith(PEOPLE.adultPlain);
  });

  it('never looks the person up when the code fails', async () => {
    const env = makeDeps();
    const findPerson = jest.spyOn(env.minid, 'findPerson');
    const driver = start(env);
    await driver.say('jeg vil bestille');
    await driver.say(PEOPLE.hasMinId);
    await driver.say(MOBILE.typed);
    const wrong = (await lastCode(env.sms, MOBILE.e164)) === '000000' ? '111111' : '000000';
    await driver.say(wrong);
    await driver.say(wrong);
    expect(await driver.say(wrong)).toContain('Koden var feil 3 ganger');
    expect(driver.status).toBe(DialogTurnStatus.complete);
    expect(findPerson).not.toHaveBeenCalled();
    expect(driver.transcript.join('\n')).not.toContain('allerede MinID');
    expectNoDigitsKept(env, driver, PEOPLE.hasMinId);
  });

  it('refuses a second order for the same person as an active order from today', async () => {
    const env = makeDeps();
    const first = start(env);
    await orderUpToCode(env, first, PEOPLE.adultPlain);
    await first.say('nei');
    expect(first.status).toBe(DialogTurnStatus.complete);

    const second = start(env);
    env.clock.advance(60 * 60_000);
    const replies = await orderUpToCode(env, second, PEOPLE.adultPlain);
    expect(replies[1]).toBe(
      'Du bestilte allerede et brev 24. november 2026; du kan regne med det rundt 8. desember 2026. ' +
        'Det er gyldig til 23. januar 2027, og du kan bestille et nytt fra 23. januar 2027. ' +
        `Trenger du nytt brev før det, kan brukerstøtten hjelpe: ${SUPPORT.phone}.`,
    );
    expect(await env.minid.listOrders(PEOPLE.adultPlain)).toHaveLength(1);
  });

  it('shows the app guide when the user says yes', async () => {
    const env = makeDeps();
    const driver = start(env);
    await orderUpToCode(env, driver, PEOPLE.adultPostal);
    const replies = await driver.send('ja');
    expect(replies[0]).toBe(text(shared, 'nb', 'app.need', { validDays: 60 }));
    expect(replies[1]).toBe('Steg 1 av 8: Åpne MinID-appen.');
    expect(driver.status).toBe(DialogTurnStatus.waiting);
    expect(await driver.say('neste')).toBe('Steg 2 av 8: Trykk på «Kom i gang».');
    // The number was dropped as soon as the decision was made, while the guide still runs.
    expect(containsDigits(storageText(env.memory), PEOPLE.adultPostal)).toBe(false);
  });

  it('keeps the national ID number in state only while the flow runs', async () => {
    const env = makeDeps();
    const driver = start(env);
    await driver.say('jeg vil bestille');
    await driver.say(PEOPLE.adultCareOf);
    // Mid-flow the waterfall holds it (that is how the lookup after the code gets it)…
    expect(containsDigits(storageText(env.memory), PEOPLE.adultCareOf)).toBe(true);
    await driver.say(MOBILE.typed);
    await driver.say(await lastCode(env.sms, MOBILE.e164));
    // …and from the decision on it is gone, also before the app-guide question is answered.
    expect(containsDigits(storageText(env.memory), PEOPLE.adultCareOf)).toBe(false);
    await driver.say('nei');
    expectNoDigitsKept(env, driver, PEOPLE.adultCareOf);
  });

  it('cancels mid-flow and keeps nothing', async () => {
    const env = makeDeps();
    const findPerson = jest.spyOn(env.minid, 'findPerson');
    const driver = start(env);
    await driver.say('jeg vil bestille');
    await driver.say(PEOPLE.adultPlain);
    await driver.say(MOBILE.typed);
    expect(await driver.say('avbryt')).toBe(text(shared, 'nb', 'interrupt.cancelled'));
    // A component dialog reports an inner cancel as its own end, without a result.
    expect(driver.status).toBe(DialogTurnStatus.complete);
    expect(driver.result).toBeUndefined();
    expect(findPerson).not.toHaveBeenCalled();
    expectNoDigitsKept(env, driver, PEOPLE.adultPlain);
  });

  it('runs in English with English dates', async () => {
    const env = makeDeps();
    const driver = start(env, 'en');
    const replies = await orderUpToCode(env, driver, PEOPLE.adultCareOf);
    expect(replies).toEqual([
      'Thank you, the code is right.',
      'Your activation letter is ordered! Expect it around 8 December 2026. The letter is valid until 23 January 2027. ' +
        'It will be sent to your postal address in the National Population Register (Folkeregisteret). ' +
        'Your postal address is a c/o address, which is fine. ' +
        'You get no notice when the letter is posted; the post can take up to 14 days.',
      expect.stringContaining(text(shared, 'en', 'order.offerAppGuide')),
    ]);
    expect(await driver.say('no')).toBe(text(shared, 'en', 'order.appGuideLater'));
  });

  it('runs in nynorsk', async () => {
    const env = makeDeps();
    const driver = start(env, 'nn');
    const replies = await orderUpToCode(env, driver, PEOPLE.adultPlain);
    expect(replies[1]).toContain('8. desember 2026');
    expect(replies[1]).toContain('bustadadressa');
    expect(await driver.say('nei')).toBe(text(shared, 'nn', 'order.appGuideLater'));
  });
});
