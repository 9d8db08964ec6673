/** The choices the create form offers, with the words shown for them. */
import type { Aspect, BrandFont, CaptionPosition, CaptionSize, CaptionStyle, LogoPosition, MusicMood } from '../../../lambdas/core/model.js';
import type { VoiceOption } from '../config.js';

export const LENGTHS = [10, 15, 30, 45, 60, 90] as const;

export const ASPECT_INFO: Record<Aspect, { label: string; hint: string }> = {
  '9:16': { label: 'Vertical', hint: 'TikTok, Reels, Shorts' },
  '1:1': { label: 'Square', hint: 'Feeds' },
  '16:9': { label: 'Wide', hint: 'YouTube, web' },
};

export const CAPTION_INFO: Record<CaptionStyle, { label: string; hint: string }> = {
  bold: { label: 'Bold', hint: 'Big words, the spoken one boxed' },
  karaoke: { label: 'Karaoke', hint: 'Words light up as they are said' },
  minimal: { label: 'Minimal', hint: 'Small text on a soft band' },
  boxed: { label: 'Boxed', hint: 'The spoken word in a coloured box' },
  outline: { label: 'Outline pop', hint: 'Outlined words, two at a time, the spoken one pops' },
  subtitle: { label: 'Subtitle bar', hint: 'Whole sentences on a dark bar, like TV subtitles' },
};

export const CAPTION_POSITION_INFO: Record<CaptionPosition, { label: string; hint: string }> = {
  top: { label: 'Top', hint: 'Under the status bar and the title' },
  middle: { label: 'Middle', hint: 'Across the centre' },
  bottom: { label: 'Bottom', hint: 'Above the description and buttons' },
};

export const CAPTION_SIZE_INFO: Record<CaptionSize, { label: string }> = {
  small: { label: 'Small' },
  medium: { label: 'Medium' },
  large: { label: 'Large' },
};

export const LOGO_POSITION_INFO: Record<LogoPosition, { label: string }> = {
  'top-left': { label: 'Top left' },
  'top-right': { label: 'Top right' },
  'bottom-left': { label: 'Bottom left' },
  'bottom-right': { label: 'Bottom right' },
};

export const BRAND_FONT_INFO: Record<BrandFont, { label: string }> = {
  inter: { label: 'Inter' },
  montserrat: { label: 'Montserrat' },
  'bebas-neue': { label: 'Bebas Neue' },
  anton: { label: 'Anton' },
  'noto-serif': { label: 'Noto Serif' },
};

/**
 * The offline voice's (eSpeak NG) English voices, for local mode until GET /api/voices answers
 * (or if it cannot). In cloud mode the fallback is /config.json's, else only the default voice.
 */
export const OFFLINE_VOICES: VoiceOption[] = [
  { id: 'en-us', label: 'American English' },
  { id: 'en-gb', label: 'British English' },
  { id: 'en-gb-scotland', label: 'Scottish English' },
  { id: 'en-gb-x-rp', label: 'Received Pronunciation' },
  { id: 'en-029', label: 'Caribbean English' },
  { id: 'en-us-nyc', label: 'New York English' },
];

export const PROMPT_IDEAS = [
  'Why octopuses have three hearts',
  'A short history of coffee',
  'How black holes bend light',
  'Three habits that make mornings easier',
];

/** The music moods (MUSIC_MOODS) as the form names them. */
export const MUSIC_INFO: Record<MusicMood, { label: string; hint: string }> = {
  calm: { label: 'Calm', hint: 'Soft pads, slow' },
  upbeat: { label: 'Upbeat', hint: 'Bright, with a beat' },
  dramatic: { label: 'Dramatic', hint: 'Low and building' },
  inspiring: { label: 'Inspiring', hint: 'Rising, hopeful' },
  lofi: { label: 'Lo-fi', hint: 'Mellow, dusty drums' },
};

