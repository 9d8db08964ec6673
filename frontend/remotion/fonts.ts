import { loadFont } from '@remotion/fonts';
import interExtraBoldUrl from '@expo-google-fonts/inter/800ExtraBold/Inter_800ExtraBold.ttf';
import montserratExtraBoldUrl from '@expo-google-fonts/montserrat/800ExtraBold/Montserrat_800ExtraBold.ttf';
import bebasNeueUrl from '@expo-google-fonts/bebas-neue/400Regular/BebasNeue_400Regular.ttf';
import antonUrl from '@expo-google-fonts/anton/400Regular/Anton_400Regular.ttf';
import notoSerifExtraBoldUrl from '@expo-google-fonts/noto-serif/800ExtraBold/NotoSerif_800ExtraBold.ttf';
import notoArabicUrl from '@expo-google-fonts/noto-sans-arabic/800ExtraBold/NotoSansArabic_800ExtraBold.ttf';
import notoDevanagariUrl from '@expo-google-fonts/noto-sans-devanagari/800ExtraBold/NotoSansDevanagari_800ExtraBold.ttf';
import notoBengaliUrl from '@expo-google-fonts/noto-sans-bengali/800ExtraBold/NotoSansBengali_800ExtraBold.ttf';
import notoThaiUrl from '@expo-google-fonts/noto-sans-thai/800ExtraBold/NotoSansThai_800ExtraBold.ttf';
import notoJpUrl from '@expo-google-fonts/noto-sans-jp/800ExtraBold/NotoSansJP_800ExtraBold.ttf';
import notoKrUrl from '@expo-google-fonts/noto-sans-kr/800ExtraBold/NotoSansKR_800ExtraBold.ttf';
import notoScUrl from '@expo-google-fonts/noto-sans-sc/800ExtraBold/NotoSansSC_800ExtraBold.ttf';
import { languageInfo, type LanguageInfo } from '../../lambdas/core/languages.js';
import type { BrandFont } from '../../lambdas/core/model.js';

/** CSS font-family of the caption and title text in Latin and Cyrillic (Inter covers both, and Vietnamese). */
export const CAPTION_FONT_FAMILY = 'Inter';

/** One bundled font face: a CSS family name, its file (a URL inside the bundle) and its weight. */
export interface BundledFace {
  family: string;
  url: string;
  weight: string;
}

const INTER: BundledFace = { family: CAPTION_FONT_FAMILY, url: interExtraBoldUrl, weight: '800' };

/**
 * The Noto face drawn for each script Inter lacks (the bold weight captions and titles use).
 * Scripts absent here (Latin, Cyrillic) are drawn in Inter.
 */
export const SCRIPT_FONTS: Partial<Record<LanguageInfo['script'], BundledFace>> = {
  Arab: { family: 'Noto Sans Arabic', url: notoArabicUrl, weight: '800' },
  Deva: { family: 'Noto Sans Devanagari', url: notoDevanagariUrl, weight: '800' },
  Beng: { family: 'Noto Sans Bengali', url: notoBengaliUrl, weight: '800' },
  Thai: { family: 'Noto Sans Thai', url: notoThaiUrl, weight: '800' },
  Jpan: { family: 'Noto Sans JP', url: notoJpUrl, weight: '800' },
  Kore: { family: 'Noto Sans KR', url: notoKrUrl, weight: '800' },
  Hans: { family: 'Noto Sans SC', url: notoScUrl, weight: '800' },
};

/**
 * The brand kit's fonts (BRAND_FONTS). Bebas Neue and Anton draw Latin only; the stack
 * ({@link fontStackFor}) falls back to the script's Noto face for anything else.
 */
export const BRAND_FONT_FACES: Record<BrandFont, BundledFace> = {
  inter: INTER,
  montserrat: { family: 'Montserrat', url: montserratExtraBoldUrl, weight: '800' },
  'bebas-neue': { family: 'Bebas Neue', url: bebasNeueUrl, weight: '400' },
  anton: { family: 'Anton', url: antonUrl, weight: '400' },
  'noto-serif': { family: 'Noto Serif', url: notoSerifExtraBoldUrl, weight: '800' },
};

/** The CSS family name of a brand font. */
export function brandFontFamily(font: BrandFont): string {
  return BRAND_FONT_FACES[font].family;
}

// One load per face per page: every frame's render asks again, and must not fetch again.
const loading = new Map<string, Promise<void>>();

function load(face: BundledFace): Promise<void> {
  const key = `${face.family}\u0000${face.weight}`;
  let pending = loading.get(key);
  if (!pending) {
    // loadFont holds rendering (delayRender) until the face is ready, so no frame shows a fallback.
    pending = loadFont({ family: face.family, url: face.url, weight: face.weight });
    loading.set(key, pending);
  }
  return pending;
}

/** Loads one brand font (from the bundle, never the network); resolves when it can be drawn. */
export function loadBrandFont(font: BrandFont): Promise<void> {
  return load(BRAND_FONT_FACES[font]);
}

/**
 * The faces text in `language` needs: Inter (Latin digits and punctuation appear in every
 * language), the script's Noto face if Inter lacks the script, and the brand font if any.
 * Only these are loaded: a Japanese video never fetches the Arabic font, and vice versa.
 */
export function facesFor(language: string | undefined, brandFont?: BrandFont): BundledFace[] {
  const faces = [INTER];
  const script = SCRIPT_FONTS[languageInfo(language).script];
  if (script) faces.push(script);
  if (brandFont && BRAND_FONT_FACES[brandFont] !== INTER) faces.push(BRAND_FONT_FACES[brandFont]);
  return faces;
}

/**
 * Starts loading the faces for `language` (and the brand font). Safe to call on every render:
 * each face is fetched once per page, and rendering waits for it (delayRender).
 */
export function loadFontsFor(language: string | undefined, brandFont?: BrandFont): Promise<void> {
  return Promise.all(facesFor(language, brandFont).map(load)).then(() => undefined);
}

/**
 * The CSS font-family stack for captions and the title in `language`: the brand font first, then
 * the script's face, then Inter. CJK faces go before Inter so their punctuation and digits are
 * the full-width forms that sit well between ideographs; for the other scripts Inter comes
 * first, drawing Latin words and digits, and the script face the rest.
 */
export function fontStackFor(language: string | undefined, brandFont?: BrandFont): string {
  const info = languageInfo(language);
  const script = SCRIPT_FONTS[info.script];
  const cjk = info.script === 'Jpan' || info.script === 'Hans' || info.script === 'Kore';
  const families: string[] = [];
  if (brandFont) families.push(brandFontFamily(brandFont));
  if (script && cjk) families.push(script.family);
  families.push(CAPTION_FONT_FAMILY);
  if (script && !cjk) families.push(script.family);
  return [...new Set(families)].map((family) => `"${family}"`).concat('sans-serif').join(', ');
}
