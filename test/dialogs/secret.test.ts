import { looksLikeSecret } from '../../dialogs/interruptibleDialog';

describe('typed secrets vs. questions about a password', () => {
  test.each([
    'passordet mitt er Hemmelig123',
    'my password is hunter22',
    'BankID-koden min er 1234abcd',
    'passord: Sommer2026',
  ])('secret: %j', (text) => expect(looksLikeSecret(text)).toBe(true));
  test.each([
    'passordet mitt er feil',
    'passordet mitt er gløymt',
    'my password is wrong',
    'my password is not working',
    'passordet er sperret',
    'passordet mitt er fortsatt feil',
  ])('question: %j', (text) => expect(looksLikeSecret(text)).toBe(false));
});
