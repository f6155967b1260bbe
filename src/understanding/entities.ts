/**
 * Entities first: the national ID number, mobile number or one-time code a user writes inside a sentence
 * ("mitt fødselsnummer er 14838510036", "my number is 41234567", "koden er 569233") is found here, so
 * the prompt's own validator checks the number and not the words around it. Pure functions; nothing is
 * kept, logged or echoed here.
 */
import { normalizeText } from './text';

/** Digits with at most one separator (space, dot, dash, no-break space) between them, a + or 00 allowed first. */
const NUMBER_RUN = /\+?\d(?:[\s.\-\u2013\u00a0]?\d)*/g;

/** A word of three or more letters: the message is a sentence, not a number typed alone. */
const WORD = /\p{L}{3,}/u;

function digitCount(run: string): number {
  return run.replace(/\D/g, '').length;
}

/** Every run of digits in the text, as typed (separators kept). */
export function numberRuns(text: string): string[] {
  return text.match(NUMBER_RUN) ?? [];
}

/**
 * The number the user meant in a message: the message itself when it holds no words (so a typo gets
 * its specific explanation), else the run of digits with the most digits in the sentence. A sentence
 * without any digits is returned unchanged.
 */
export function numberText(text: string): string {
  if (!WORD.test(text)) return text;
  const runs = numberRuns(text).filter((r) => digitCount(r) >= 4);
  if (runs.length === 0) return text;
  return runs.reduce((best, r) => (digitCount(r) > digitCount(best) ? r : best)).trim();
}

/** True when the text holds something that reads as an 11-digit national ID number. */
export function hasNationalIdCandidate(text: string): boolean {
  return numberRuns(text).some((r) => !r.startsWith('+') && digitCount(r) === 11);
}

/** True when the text holds something shaped like a phone number (8 digits, or + / 00 and a country code). */
export function hasPhoneCandidate(text: string): boolean {
  return numberRuns(text).some((r) => {
    const n = digitCount(r);
    return n === 8 || ((r.startsWith('+') || r.startsWith('00')) && n >= 8 && n <= 15);
  });
}

/** A one-time code of exactly `length` digits in a sentence ("koden er 569233"), or undefined. */
export function findCode(text: string, length: number): string | undefined {
  const runs = numberRuns(text).filter((r) => digitCount(r) === length);
  return runs.length === 1 ? runs[0].replace(/\D/g, '') : undefined;
}

/**
 * What was typed at the code prompt: the code itself when it is inside a sentence, else the text as it
 * is (so "12ab" still gets "the code has 6 digits").
 */
export function codeText(text: string, length: number): string {
  return WORD.test(text) ? (findCode(text, length) ?? text) : text;
}

// "jeg har ikke fått koden", "fikk ingen sms", "koden kom ikkje", "I didn't get the code", "no sms came".
const NO_CODE = [
  /\b(ikke|ikkje|ingen|inga|aldri|not|no|never|didn'?t|haven'?t|hasn'?t|havent|didnt)\b.{0,30}\b(kode|koden|koda|code|sms|sms-en|smsen|melding|meldinga|meldingen|text)\b/,
  /\b(kode|koden|koda|code|sms|sms-en|smsen|melding|meldinga|meldingen|text)\b.{0,25}\b(kom|kjem|kommer|kome|komme|come|came|arrive|arrived|arriving)\b.{0,10}\b(ikke|ikkje|aldri|not|never)\b/,
  /\b(kode|koden|code|sms)\b.{0,25}\b(har|has|have)\b.{0,5}\b(ikke|ikkje|not|never)\b.{0,10}\b(kommet|kome|come|arrived)\b/,
];

/** True when the user says the SMS code did not arrive (at the code prompt: the no-SMS help, not a format error). */
export function saysNoCode(text: string): boolean {
  const t = normalizeText(text);
  return NO_CODE.some((re) => re.test(t));
}
