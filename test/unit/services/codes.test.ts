// The default import is the real module object, which jest can spy on (a namespace import is a frozen copy).
import crypto from 'node:crypto';
import { OneTimeCodes, type CodeChallenge } from '../../../src/verification/codes';
import { CODE_POLICY } from '../../../src/rules';
import { fakeClock } from '../../support/fake-clock';

const SECRET = 'test-secret-of-at-least-16-bytes';
const START = '2026-11-24T09:00:00.000Z';
const MINUTE = 60_000;

function setup(random?: (bytes: number) => Buffer) {
  const clock = fakeClock(START);
  const codes = new OneTimeCodes({ now: clock.now, secret: SECRET, random });
  return { clock, codes };
}

/** A code of the right shape that is not `code`. */
function otherThan(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

/** A random source that replays `bytes` and then repeats a filler forever. */
function scripted(bytes: number[], filler = 7): (n: number) => Buffer {
  const queue = [...bytes];
  return (n) => Buffer.from(Array.from({ length: n }, () => queue.shift() ?? filler));
}

describe('OneTimeCodes', () => {
  afterEach(() => jest.restoreAllMocks());

  it('uses the product policy', () => {
    expect(CODE_POLICY).toEqual({
      length: 6,
      validMinutes: 10,
      maxWrongTries: 3,
      maxResends: 2,
      resendPauseSeconds: 30,
    });
  });

  describe('issue', () => {
    it('gives a 6-digit code and a fresh challenge', () => {
      const { codes } = setup();
      const { code, challenge } = codes.issue();
      expect(code).toMatch(/^\d{6}$/);
      expect(challenge).toEqual({
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        salt: expect.stringMatching(/^[0-9a-f]{32}$/),
        issuedAt: START,
        expiresAt: '2026-11-24T09:10:00.000Z',
        lastSentAt: START,
        wrongTries: 0,
        resends: 0,
      });
    });

    it('stores HMAC-SHA256(secret, salt + code), never the code', () => {
      const { codes } = setup();
      const { code, challenge } = codes.issue();
      const expected = crypto
        .createHmac('sha256', SECRET)
        .update(challenge.salt + code)
        .digest('hex');
      expect(challenge.hash).toBe(expected);
      expect(JSON.stringify(challenge)).not.toContain(code);
    });

    it('never has the code anywhere in its JSON, over many codes', () => {
      const { codes } = setup();
      for (let i = 0; i < 200; i += 1) {
        const { code, challenge } = codes.issue();
        expect(JSON.stringify(challenge)).not.toContain(code);
      }
    });

    it('salts each code, so equal codes have different hashes', () => {
      const issueWith = (saltByte: number) =>
        new OneTimeCodes({
          now: () => new Date(START),
          secret: SECRET,
          random: scripted([1, 2, 3, 4, 5, 6, 0, 0], saltByte),
        }).issue();
      const a = issueWith(0);
      const b = issueWith(1);
      expect(a.code).toBe('123456');
      expect(b.code).toBe('123456');
      expect(a.challenge.salt).not.toBe(b.challenge.salt);
      expect(a.challenge.hash).not.toBe(b.challenge.hash);
    });

    it('rejects bytes from 250 up instead of taking them modulo 10', () => {
      const { codes } = setup(scripted([255, 250, 3, 251, 1, 4, 1, 5, 9], 0));
      expect(codes.issue().code).toBe('314159');
    });

    it('gives up on a random source that only returns unusable bytes', () => {
      const { codes } = setup(() => Buffer.alloc(8, 255));
      expect(() => codes.issue()).toThrow('random source');
    });

    it('draws codes uniformly enough (first digit over 5000 codes)', () => {
      const { codes } = setup();
      const counts = new Array<number>(10).fill(0);
      for (let i = 0; i < 5000; i += 1) {
        counts[Number(codes.issue().code[0])]! += 1;
      }
      // Expected 500 each (sd ≈ 21); the bound is loose so the test never flakes, yet a modulo bias
      // on a single byte (0-5 about 1.2x as likely as 6-9) or a stuck digit would show.
      for (const count of counts) {
        expect(count).toBeGreaterThan(400);
        expect(count).toBeLessThan(600);
      }
    });

    it('refuses a short secret', () => {
      expect(() => new OneTimeCodes({ now: () => new Date(), secret: 'short' })).toThrow(RangeError);
      expect(() => new OneTimeCodes({ now: () => new Date(), secret: Buffer.alloc(15) })).toThrow(RangeError);
      expect(() => new OneTimeCodes({ now: () => new Date(), secret: Buffer.alloc(16) })).not.toThrow();
    });

    it('reads the clock only through the injected now()', () => {
      const spy = jest.spyOn(Date, 'now');
      const { codes, clock } = setup();
      const { code, challenge } = codes.issue();
      clock.advance(31_000);
      codes.resend(challenge);
      codes.verify(challenge, code);
      expect(spy).not.toHaveBeenCalled();
    });
  });

  describe('verify', () => {
    it('accepts the right code', () => {
      const { codes } = setup();
      const { code, challenge } = codes.issue();
      expect(codes.verify(challenge, code)).toEqual({ result: 'ok', challenge, triesLeft: 3 });
    });

    it('compares with crypto.timingSafeEqual', () => {
      const spy = jest.spyOn(crypto, 'timingSafeEqual');
      const { codes } = setup();
      const { code, challenge } = codes.issue();
      codes.verify(challenge, otherThan(code));
      codes.verify(challenge, code);
      expect(spy).toHaveBeenCalledTimes(2);
      expect(spy.mock.results.map((r) => r.value)).toEqual([false, true]);
    });

    it.each([
      [' {code} ', 'ok'],
      ['{a} {b}', 'ok'],
      ['\t{code}\n', 'ok'],
    ])('normalises %j', (template, result) => {
      const { codes } = setup();
      const { code, challenge } = codes.issue();
      const input = template
        .replace('{code}', code)
        .replace('{a}', code.slice(0, 3))
        .replace('{b}', code.slice(3));
      expect(codes.verify(challenge, input).result).toBe(result);
    });

    it.each(['', '12345', '1234567', '12a456', '123-456', '１２３４５６', '٠١٢٣٤٥'])(
      'treats %j as malformed, which costs no try',
      (input) => {
        const { codes } = setup();
        const { challenge } = codes.issue();
        const checked = codes.verify(challenge, input);
        expect(checked).toEqual({ result: 'malformed', challenge, triesLeft: 3 });
      },
    );

    it('counts wrong codes and locks after three, even for the right code', () => {
      const { codes } = setup();
      const { code, challenge } = codes.issue();
      const wrong = otherThan(code);

      const first = codes.verify(challenge, wrong);
      expect(first).toMatchObject({ result: 'wrong', triesLeft: 2, challenge: { wrongTries: 1 } });
      const second = codes.verify(first.challenge, wrong);
      expect(second).toMatchObject({ result: 'wrong', triesLeft: 1, challenge: { wrongTries: 2 } });
      const third = codes.verify(second.challenge, wrong);
      expect(third).toMatchObject({ result: 'wrong', triesLeft: 0, challenge: { wrongTries: 3 } });

      expect(codes.verify(third.challenge, code)).toMatchObject({ result: 'locked', triesLeft: 0 });
      expect(codes.verify(third.challenge, 'oops')).toMatchObject({ result: 'locked', triesLeft: 0 });
    });

    it('does not change the challenge passed in', () => {
      const { codes } = setup();
      const { code, challenge } = codes.issue();
      const before = JSON.stringify(challenge);
      codes.verify(challenge, otherThan(code));
      expect(JSON.stringify(challenge)).toBe(before);
    });

    it('expires at exactly 10 minutes', () => {
      const { codes, clock } = setup();
      const { code, challenge } = codes.issue();
      clock.advance(10 * MINUTE - 1);
      expect(codes.verify(challenge, code).result).toBe('ok');
      clock.advance(1);
      expect(codes.verify(challenge, code)).toEqual({ result: 'expired', challenge, triesLeft: 3 });
    });

    it('says expired rather than malformed or wrong once the code is stale', () => {
      const { codes, clock } = setup();
      const { code, challenge } = codes.issue();
      clock.advance(10 * MINUTE);
      expect(codes.verify(challenge, 'x').result).toBe('expired');
      expect(codes.verify(challenge, otherThan(code))).toMatchObject({
        result: 'expired',
        challenge: { wrongTries: 0 },
      });
    });

    it('fails closed on a damaged challenge', () => {
      const { codes } = setup();
      const { code, challenge } = codes.issue();
      expect(codes.verify({ ...challenge, expiresAt: 'soon' }, code).result).toBe('expired');
      expect(codes.verify({ ...challenge, hash: 'abc' }, code).result).toBe('wrong');
      expect(codes.verify({ ...challenge, hash: 'z'.repeat(64) }, code).result).toBe('wrong');
    });

    it('rejects a challenge verified with a different secret', () => {
      const { codes } = setup();
      const { code, challenge } = codes.issue();
      const other = new OneTimeCodes({ now: () => new Date(START), secret: 'another-secret-of-16-bytes+' });
      expect(other.verify(challenge, code).result).toBe('wrong');
    });

    it('works on state that went through JSON', () => {
      const { codes } = setup();
      const { code, challenge } = codes.issue();
      const stored: CodeChallenge = JSON.parse(JSON.stringify(challenge));
      expect(stored).toEqual(challenge);
      const wrong = codes.verify(stored, otherThan(code));
      const reloaded: CodeChallenge = JSON.parse(JSON.stringify(wrong.challenge));
      expect(codes.verify(reloaded, code)).toMatchObject({ result: 'ok', triesLeft: 2 });
    });
  });

  describe('resend', () => {
    it('waits 30 seconds since the last code was sent', () => {
      const { codes, clock } = setup();
      const { challenge } = codes.issue();
      expect(codes.resend(challenge)).toEqual({ ok: false, reason: 'too-soon', retryInSeconds: 30 });
      clock.advance(29_001);
      expect(codes.resend(challenge)).toEqual({ ok: false, reason: 'too-soon', retryInSeconds: 1 });
      clock.advance(999);
      expect(codes.resend(challenge).ok).toBe(true);
    });

    it('issues a new code with a new expiry, keeping issuedAt and wrong tries', () => {
      const { codes, clock } = setup();
      const first = codes.issue();
      const wrong = codes.verify(first.challenge, otherThan(first.code));
      clock.advance(MINUTE);
      const resent = codes.resend(wrong.challenge);
      if (!resent.ok) throw new Error('expected a resend');

      expect(resent.code).toMatch(/^\d{6}$/);
      expect(resent.challenge).toEqual({
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        salt: expect.stringMatching(/^[0-9a-f]{32}$/),
        issuedAt: START,
        expiresAt: '2026-11-24T09:11:00.000Z',
        lastSentAt: '2026-11-24T09:01:00.000Z',
        wrongTries: 1,
        resends: 1,
      });
      expect(resent.challenge.salt).not.toBe(first.challenge.salt);
      expect(JSON.stringify(resent.challenge)).not.toContain(resent.code);
      expect(codes.verify(resent.challenge, resent.code)).toMatchObject({ result: 'ok', triesLeft: 2 });
      if (resent.code !== first.code) {
        expect(codes.verify(resent.challenge, first.code).result).toBe('wrong');
      }
    });

    it('gives the new code a full 10 minutes from the resend', () => {
      const { codes, clock } = setup();
      const { challenge } = codes.issue();
      clock.advance(9 * MINUTE);
      const resent = codes.resend(challenge);
      if (!resent.ok) throw new Error('expected a resend');
      clock.advance(10 * MINUTE - 1);
      expect(codes.verify(resent.challenge, resent.code).result).toBe('ok');
      clock.advance(1);
      expect(codes.verify(resent.challenge, resent.code).result).toBe('expired');
    });

    it('allows two resends, then says limit', () => {
      const { codes, clock } = setup();
      let { challenge } = codes.issue();
      for (let i = 1; i <= 2; i += 1) {
        clock.advance(30_000);
        const resent = codes.resend(challenge);
        if (!resent.ok) throw new Error(`expected resend ${i}`);
        challenge = resent.challenge;
        expect(challenge.resends).toBe(i);
      }
      clock.advance(MINUTE);
      expect(codes.resend(challenge)).toEqual({ ok: false, reason: 'limit' });
    });

    it('says limit rather than too-soon when no resend is left', () => {
      const { codes } = setup();
      const { challenge } = codes.issue();
      expect(codes.resend({ ...challenge, resends: 2 })).toEqual({ ok: false, reason: 'limit' });
    });

    it('does not resend for a locked attempt', () => {
      const { codes, clock } = setup();
      const { challenge } = codes.issue();
      clock.advance(MINUTE);
      expect(codes.resend({ ...challenge, wrongTries: 3 })).toEqual({ ok: false, reason: 'limit' });
    });

    it('waits a full pause when the clock went backwards or lastSentAt is unreadable', () => {
      const { codes, clock } = setup();
      const { challenge } = codes.issue();
      clock.advance(-MINUTE);
      expect(codes.resend(challenge)).toEqual({ ok: false, reason: 'too-soon', retryInSeconds: 30 });
      expect(codes.resend({ ...challenge, lastSentAt: 'x' })).toEqual({
        ok: false,
        reason: 'too-soon',
        retryInSeconds: 30,
      });
    });

    it('keeps state JSON-serialisable across a resend', () => {
      const { codes, clock } = setup();
      const { challenge } = codes.issue();
      clock.advance(30_000);
      const resent = codes.resend(JSON.parse(JSON.stringify(challenge)));
      if (!resent.ok) throw new Error('expected a resend');
      const stored: CodeChallenge = JSON.parse(JSON.stringify(resent.challenge));
      expect(stored).toEqual(resent.challenge);
      expect(codes.verify(stored, resent.code).result).toBe('ok');
    });
  });
});
