import type { Voice, VoiceCatalog } from '../../core/voices.js';

/** "George", the voice ElevenLabs' own examples use; override with ELEVENLABS_VOICE_ID. */
/**
 * The speeds a video may ask of ElevenLabs: `voice_settings.speed` reaches 0.7–1.2; past 1.2 the
 * voice step has ElevenLabs speak at 1.2 and time-stretches the take (pitch kept), so 1.3 is
 * reached as every provider must (elevenlabs-speech.ts).
 */
export const ELEVENLABS_REACHABLE_SPEEDS = { min: 0.7, max: 1.3 } as const;

export const DEFAULT_ELEVENLABS_VOICE_ID = 'JBFqnCBsd6RMkjVDRZzb';

/**
 * ElevenLabs' default (premade) voices, which every account can use: the voices offered when the
 * deployment names none (ELEVENLABS_VOICES). Each speaks every language of the multilingual
 * models, so none is tied to one.
 */
export const ELEVENLABS_PREMADE_VOICES: readonly Voice[] = [
  { id: '9BWtsMINqrJLrRacOk9x', name: 'Aria' },
  { id: 'CwhRBWXzGAHq8TQ4Fs17', name: 'Roger' },
  { id: 'EXAVITQu4vr4xnSDxMaL', name: 'Sarah' },
  { id: 'FGY2WhTYpPnrIDTdsKH5', name: 'Laura' },
  { id: 'IKne3meq5aSn9XLyUdCD', name: 'Charlie' },
  { id: 'JBFqnCBsd6RMkjVDRZzb', name: 'George' },
  { id: 'N2lVS1w4EtoT3dr4eOWO', name: 'Callum' },
  { id: 'SAz9YHcvj6GT2YYXdXww', name: 'River' },
  { id: 'TX3LPaxmHKxFdv7VOQHJ', name: 'Liam' },
  { id: 'XB0fDUnXU5powFXDhCwa', name: 'Charlotte' },
  { id: 'Xb7hH8MSUJpSbSDYk0k2', name: 'Alice' },
  { id: 'XrExE9yKIg1WjnnlVkGX', name: 'Matilda' },
  { id: 'bIHbv24MWmeRgasZH58o', name: 'Will' },
  { id: 'cgSgspJ2msm6clMCkdW9', name: 'Jessica' },
  { id: 'cjVigY5qzO86Huf0OWal', name: 'Eric' },
  { id: 'iP95p4xoKVk53GoZ742B', name: 'Chris' },
  { id: 'nPczCjzI2devNBz1zQrb', name: 'Brian' },
  { id: 'onwK4e9ZLuTAKqWW03F9', name: 'Daniel' },
  { id: 'pFZP5JQG7iQjIQuC4Bku', name: 'Lily' },
  { id: 'pqHfZKP75CvOlQylNhV4', name: 'Bill' },
];

/**
 * ELEVENLABS_VOICES: the deployment's allowlist, `id` or `id=Name` entries. A premade voice
 * listed by id alone keeps its name; any other id is named by itself.
 */
export function parseVoiceAllowlist(entries: readonly string[]): Voice[] {
  const voices = new Map<string, Voice>();
  for (const entry of entries) {
    const [rawId = '', ...rest] = entry.split('=');
    const id = rawId.trim();
    if (!id) continue;
    const name = rest.join('=').trim() || ELEVENLABS_PREMADE_VOICES.find((v) => v.id === id)?.name || id;
    voices.set(id, { id, name });
  }
  return [...voices.values()];
}

/**
 * The ElevenLabs voices the API offers: the allowlist (else the premade voices), and always the
 * default voice, which is what a request without a voice gets. Listing the account's own voices
 * would need the ElevenLabs key in the public create route; an allowlist keeps the key where it is.
 */
export function elevenLabsVoiceCatalog(options: { allowlist?: readonly string[]; defaultVoice?: string } = {}): VoiceCatalog {
  const defaultVoice = options.defaultVoice ?? DEFAULT_ELEVENLABS_VOICE_ID;
  const voices = options.allowlist && options.allowlist.length > 0 ? parseVoiceAllowlist(options.allowlist) : [...ELEVENLABS_PREMADE_VOICES];
  if (!voices.some((v) => v.id === defaultVoice)) {
    voices.unshift(ELEVENLABS_PREMADE_VOICES.find((v) => v.id === defaultVoice) ?? { id: defaultVoice, name: defaultVoice });
  }
  // voice_settings.speed: 0.7–1.2 (ElevenLabs' API reference); 1.3 is refused, not ignored.
  return { provider: 'elevenlabs', providerName: 'ElevenLabs', defaultVoice, voices, caseInsensitive: false, speeds: ELEVENLABS_REACHABLE_SPEEDS };
}
