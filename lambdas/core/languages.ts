/**
 * The languages a video can be made in (narration, captions, title): BCP 47 tags whose primary
 * language is one of {@link LANGUAGES}. One table, read by the API's checks, the script writers,
 * the voices, the captions and the composition, so they cannot disagree.
 */
export const LANGUAGES = ['en', 'es', 'pt', 'fr', 'de', 'it', 'nl', 'pl', 'tr', 'ru', 'uk', 'ar', 'hi', 'bn', 'id', 'vi', 'th', 'ja', 'ko', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface LanguageInfo {
  /** The language's name in English, for messages and lists. */
  name: string;
  /** Its name in itself, for pickers. */
  nativeName: string;
  /** Writing direction of its script. */
  direction: 'ltr' | 'rtl';
  /** False where words are not separated by spaces (Japanese, Chinese, Thai): words come from Intl.Segmenter. */
  spaces: boolean;
  /** The Unicode script its text is written in (ISO 15924), which picks the font family. */
  script: 'Latn' | 'Cyrl' | 'Arab' | 'Deva' | 'Beng' | 'Thai' | 'Jpan' | 'Kore' | 'Hans';
}

export const LANGUAGE_INFO: Record<Language, LanguageInfo> = {
  en: { name: 'English', nativeName: 'English', direction: 'ltr', spaces: true, script: 'Latn' },
  es: { name: 'Spanish', nativeName: 'Español', direction: 'ltr', spaces: true, script: 'Latn' },
  pt: { name: 'Portuguese', nativeName: 'Português', direction: 'ltr', spaces: true, script: 'Latn' },
  fr: { name: 'French', nativeName: 'Français', direction: 'ltr', spaces: true, script: 'Latn' },
  de: { name: 'German', nativeName: 'Deutsch', direction: 'ltr', spaces: true, script: 'Latn' },
  it: { name: 'Italian', nativeName: 'Italiano', direction: 'ltr', spaces: true, script: 'Latn' },
  nl: { name: 'Dutch', nativeName: 'Nederlands', direction: 'ltr', spaces: true, script: 'Latn' },
  pl: { name: 'Polish', nativeName: 'Polski', direction: 'ltr', spaces: true, script: 'Latn' },
  tr: { name: 'Turkish', nativeName: 'Türkçe', direction: 'ltr', spaces: true, script: 'Latn' },
  ru: { name: 'Russian', nativeName: 'Русский', direction: 'ltr', spaces: true, script: 'Cyrl' },
  uk: { name: 'Ukrainian', nativeName: 'Українська', direction: 'ltr', spaces: true, script: 'Cyrl' },
  ar: { name: 'Arabic', nativeName: 'العربية', direction: 'rtl', spaces: true, script: 'Arab' },
  hi: { name: 'Hindi', nativeName: 'हिन्दी', direction: 'ltr', spaces: true, script: 'Deva' },
  bn: { name: 'Bengali', nativeName: 'বাংলা', direction: 'ltr', spaces: true, script: 'Beng' },
  id: { name: 'Indonesian', nativeName: 'Bahasa Indonesia', direction: 'ltr', spaces: true, script: 'Latn' },
  vi: { name: 'Vietnamese', nativeName: 'Tiếng Việt', direction: 'ltr', spaces: true, script: 'Latn' },
  th: { name: 'Thai', nativeName: 'ไทย', direction: 'ltr', spaces: false, script: 'Thai' },
  ja: { name: 'Japanese', nativeName: '日本語', direction: 'ltr', spaces: false, script: 'Jpan' },
  ko: { name: 'Korean', nativeName: '한국어', direction: 'ltr', spaces: true, script: 'Kore' },
  zh: { name: 'Chinese', nativeName: '中文', direction: 'ltr', spaces: false, script: 'Hans' },
};

export const DEFAULT_LANGUAGE = 'en';

/**
 * The canonical form of a BCP 47 tag whose primary language is supported (`pt-br` → `pt-BR`),
 * or undefined for anything else (not a tag, or a language not in {@link LANGUAGES}).
 */
export function canonicalLanguage(tag: string): string | undefined {
  let canonical: string;
  try {
    [canonical = ''] = Intl.getCanonicalLocales(tag.trim());
  } catch {
    return undefined;
  }
  const primary = canonical.split('-')[0]!.toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary) ? canonical : undefined;
}

/** The supported primary language of a canonical tag (`pt-BR` → `pt`); `en` for anything unknown. */
export function baseLanguage(tag: string | undefined): Language {
  const primary = (tag ?? DEFAULT_LANGUAGE).split('-')[0]!.toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : 'en';
}

export function languageInfo(tag: string | undefined): LanguageInfo {
  return LANGUAGE_INFO[baseLanguage(tag)];
}
