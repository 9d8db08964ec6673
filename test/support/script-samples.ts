import type { Language } from '../../lambdas/core/languages.js';

/**
 * A sentence per language with the letters that trip fonts up: accents and ligatures, Turkish
 * dotted and dotless i, Cyrillic ё/ї/ґ, Vietnamese stacked marks, Arabic joined letters and
 * digits, Indic conjuncts and vowel signs, Thai tone marks, CJK punctuation.
 */
export const SCRIPT_SAMPLES: Record<Language, string> = {
  en: 'Why octopuses have three hearts',
  es: '¿Por qué el mar es salado? Año, niño',
  pt: 'Por que o mar é salgado? Ação, coração',
  fr: 'Pourquoi la mer est-elle salée ? Œuvre, garçon « bien »',
  de: 'Warum ist das Meer salzig? Größe, Übermaß',
  it: 'Perché il mare è salato? Città',
  nl: 'Waarom is de zee zout? Één ijsje',
  pl: 'Dlaczego morze jest słone? Źdźbło, żółć',
  tr: 'Deniz neden tuzludur? Işık için ğüşöç',
  ru: 'Почему море солёное? Ёж, щука',
  uk: 'Чому море солоне? Їжак, ґанок, є',
  ar: 'لماذا البحر مالح؟ مرحبا، يا أصدقاء ١٢٣',
  hi: 'एक छोटी कहानी: चाँद पर पहला दिन।',
  bn: 'সমুদ্র কেন লবণাক্ত? একটি ছোট গল্প।',
  id: 'Mengapa laut asin? Cerita pendek',
  vi: 'Tại sao biển lại mặn? Người, đường, Tiếng Việt',
  th: 'ทำไมทะเลถึงเค็ม เรื่องสั้นเกี่ยวกับดวงจันทร์',
  ja: 'なぜ海は塩辛いのか。月での最初の日、「タコ」',
  ko: '바다는 왜 짠가요? 달에서의 첫날',
  zh: '为什么海水是咸的？月球上的第一天，“章鱼”',
};
