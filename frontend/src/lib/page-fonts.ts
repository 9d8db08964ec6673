/**
 * The composition's bundled faces (frontend/remotion/fonts.ts), used by the page itself where it
 * writes in them: a language's native name in its script (no system font may cover it), a brand
 * font's name in that font. Each face is added to `document.fonts` once, when first shown.
 */
import { useEffect } from 'react';
import { languageInfo } from '../../../lambdas/core/languages.js';
import type { BrandFont } from '../../../lambdas/core/model.js';
import { BRAND_FONT_FACES, SCRIPT_FONTS, type BundledFace } from '../../remotion/fonts.js';

const added = new Set<string>();

function addFace(face: BundledFace): void {
  const key = `${face.family}\u0000${face.weight}`;
  if (added.has(key) || typeof FontFace === 'undefined') return;
  added.add(key);
  const font = new FontFace(face.family, `url(${face.url})`, { weight: face.weight, display: 'swap' });
  document.fonts.add(font);
  // A face that fails to load leaves the fallback in place; nothing to tell the user.
  void font.load().catch(() => undefined);
}

/** The CSS family of the script face `language` needs beyond the page's Latin font, loaded; undefined for Latin and Cyrillic. */
export function useScriptFont(language: string): string | undefined {
  const face = SCRIPT_FONTS[languageInfo(language).script];
  useEffect(() => {
    if (face) addFace(face);
  }, [face]);
  return face ? `"${face.family}"` : undefined;
}

/** The CSS family of a brand font, loaded. */
export function useBrandFont(font: BrandFont): string {
  const face = BRAND_FONT_FACES[font];
  useEffect(() => addFace(face), [face]);
  return `"${face.family}"`;
}
