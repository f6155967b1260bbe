/**
 * Small text helpers shared by language detection and intent recognition.
 * Everything here is pure and deterministic.
 */

/** Lowercase, Unicode-normalise, unify apostrophes and whitespace. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u02BC`´]/g, "'")
    .replace(/[\u00A0\s]+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * Word tokens of a normalised text: runs of letters/digits, keeping inner apostrophes
 * ("don't", "i'm"), and inner hyphens when asked ("sms-en", "d-nummer"). Punctuation, emoji and
 * symbols are dropped.
 */
export function tokenize(text: string, options: { keepHyphens?: boolean } = {}): string[] {
  const separators = options.keepHyphens ? /[^\p{L}\p{N}'-]+/u : /[^\p{L}\p{N}']+/u;
  return normalizeText(text)
    .split(separators)
    .map((t) => t.replace(/^['-]+|['-]+$/g, ''))
    .filter((t) => t.length > 0);
}

/**
 * Fold Norwegian letters the way people type them on a keyboard without æ, ø, å
 * ("fatt" for "fått", "sjolv" for "sjølv", "vaere" for "være"). Other diacritics are stripped.
 */
export function foldNorwegian(text: string): string {
  return text
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'a')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** Counts of letters and digits in a text (other characters ignored). */
export function letterDigitCounts(text: string): { letters: number; digits: number } {
  let letters = 0;
  let digits = 0;
  for (const ch of text) {
    if (/\p{N}/u.test(ch)) digits += 1;
    else if (/\p{L}/u.test(ch)) letters += 1;
  }
  return { letters, digits };
}
