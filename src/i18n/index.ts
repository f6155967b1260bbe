import i18next, { type TFunction, type i18n } from 'i18next';
import nb from '../../locales/nb.json';
import nn from '../../locales/nn.json';
import en from '../../locales/en.json';

export type Lang = 'nb' | 'nn' | 'en';
export const LANGS: readonly Lang[] = ['nb', 'nn', 'en'];
export type Translate = TFunction;

export const resources = { nb, nn, en } as const;

/** A private i18next instance: the global one is never switched per turn (turns run concurrently). */
export async function createI18n(): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: {
      nb: { translation: nb },
      nn: { translation: nn },
      en: { translation: en },
    },
    lng: 'nb',
    // nn falls back to nb only as a last resort; a test keeps the key sets identical so it never happens.
    fallbackLng: { nn: ['nb'], default: ['nb'] },
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
    showSupportNotice: false,
  });
  // Dates reach texts as raw `YYYY-MM-DD` values; the text layer formats them: {{deliveryBy, localdate}}.
  instance.services.formatter?.add('localdate', (value: unknown, lng: string | undefined) =>
    typeof value === 'string' ? formatDate(value, isLang(lng) ? lng : 'nb') : String(value),
  );
  // Instants (e.g. when a limit lets the user try again) as an Oslo date and clock time: {{at, localtime}}.
  instance.services.formatter?.add('localtime', (value: unknown, lng: string | undefined) =>
    typeof value === 'string' ? formatDateTime(value, isLang(lng) ? lng : 'nb') : String(value),
  );
  return instance;
}

export function isLang(value: unknown): value is Lang {
  return value === 'nb' || value === 'nn' || value === 'en';
}

/** Maps a channel locale (`nb-NO`, `no`, `nn-NO`, `en-US`, any case, `_` or `-`) to a product language. */
export function localeToLang(locale: string | undefined | null): Lang | undefined {
  if (!locale) return undefined;
  const primary = locale.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'nb' || primary === 'no') return 'nb';
  if (primary === 'nn') return 'nn';
  if (primary === 'en') return 'en';
  return undefined;
}

/** The BCP 47 locale that formatters and prompts use for a product language. */
export function langToLocale(lang: Lang): 'nb-NO' | 'nn-NO' | 'en-US' {
  return lang === 'nb' ? 'nb-NO' : lang === 'nn' ? 'nn-NO' : 'en-US';
}

const DATE_LOCALE: Record<Lang, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };
const dateFormatters = new Map<Lang, Intl.DateTimeFormat>();

/** "8. desember 2026" (nb, nn) and "8 December 2026" (en) for a `YYYY-MM-DD` local date. */
export function formatDate(date: string, lang: Lang): string {
  let f = dateFormatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(DATE_LOCALE[lang], {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    dateFormatters.set(lang, f);
  }
  // The date is a calendar date, not an instant: format it at UTC midnight so no zone can shift it.
  return f.format(new Date(`${date}T00:00:00Z`));
}

const dateTimeFormatters = new Map<Lang, Intl.DateTimeFormat>();

/**
 * "24. november kl. 13:15" (nb, nn) and "24 November at 13:15" (en) for an ISO instant, read in
 * Europe/Oslo time (the product's time zone, whatever the host's); an unreadable instant is returned as is.
 */
export function formatDateTime(instant: string, lang: Lang): string {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  let f = dateTimeFormatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(DATE_LOCALE[lang], {
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'Europe/Oslo',
    });
    dateTimeFormatters.set(lang, f);
  }
  return f.format(at);
}

/**
 * The titles of the topic buttons in every language, each with the intent it stands for, so a tapped
 * topic button is understood exactly (and, like a command, never guessed).
 */
export function topicButtonTitles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const lang of LANGS) {
    for (const [intent, title] of Object.entries(resources[lang].topics)) out[title] = intent;
  }
  return out;
}
