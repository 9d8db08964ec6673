import { loadFont } from '@remotion/fonts';
import interExtraBoldUrl from '@expo-google-fonts/inter/800ExtraBold/Inter_800ExtraBold.ttf';

/** CSS font-family of the caption and title text. */
export const CAPTION_FONT_FAMILY = 'Inter';

// Loaded once, when the bundle loads, from a file inside the bundle (never a network font).
// loadFont holds rendering with delayRender until the face is ready, so no frame shows a fallback.
void loadFont({ family: CAPTION_FONT_FAMILY, url: interExtraBoldUrl, weight: '800' });
