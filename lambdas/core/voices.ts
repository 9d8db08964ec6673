import { InvalidInput } from './errors.js';
import { baseLanguage, LANGUAGE_INFO, LANGUAGES, type Language } from './languages.js';

/** A voice a request may name: the provider's id, a name for people, its language when known. */
export interface Voice {
  id: string;
  name: string;
  language?: string;
}

/**
 * The voices the configured speech provider offers to this deployment's users (GET /api/voices),
 * checked before an order is paid for, so an unknown voice never fails a job at Record Voice
 * after its script and images were bought.
 */
export interface VoiceCatalog {
  /** The provider choice (SHORTS_VOICE): `offline` or `elevenlabs`. */
  provider: string;
  /** The provider as people know it, for messages. */
  providerName: string;
  /** Spoken when a request names no voice (and, where {@link defaultVoiceFor} is set, no language other than English). */
  defaultVoice: string;
  /** The voice a request in `language` that names none is spoken in; absent: {@link defaultVoice} speaks every language. */
  defaultVoiceFor?: (language: string) => string;
  voices: readonly Voice[];
  /** eSpeak's language codes match in any case; ElevenLabs' ids are exact. */
  caseInsensitive: boolean;
  /** The voice speeds (request.voiceSpeed) the provider reaches; absent: the request's whole range. */
  speeds?: { min: number; max: number };
}

/**
 * A voiceSpeed the provider cannot reach is an {@link InvalidInput} naming the field (the API
 * answers 400 before the order is paid for), never a speed silently ignored.
 */
export function checkVoiceSpeed(speed: number | undefined, catalog: VoiceCatalog): void {
  if (speed === undefined || !catalog.speeds) return;
  const { min, max } = catalog.speeds;
  if (speed < min || speed > max) {
    throw new InvalidInput(`voiceSpeed: ${catalog.providerName} speaks from ${min} to ${max} times its voice's pace.`);
  }
}

/** Up to this many voices, an error lists each with its name. */
const NAMED_VOICES_IN_MESSAGE = 30;

/**
 * The voice as the provider names it, or undefined when the request names none. An unknown voice
 * is an {@link InvalidInput} naming the field and every voice that would do (the API answers 400).
 */
export function checkVoice(voice: string | undefined, catalog: VoiceCatalog, language?: string): string | undefined {
  if (voice === undefined) return undefined;
  const wanted = catalog.caseInsensitive ? voice.trim().toLowerCase() : voice.trim();
  const found = catalog.voices.find((v) => (catalog.caseInsensitive ? v.id.toLowerCase() : v.id) === wanted);
  if (found) {
    // A voice tied to another language spells the words out (eSpeak's English voice reads an
    // Arabic script letter by letter, three times as long): refused, not ignored.
    const spoken = found.language === undefined ? undefined : voiceLanguage(found.language);
    if (language !== undefined && found.language !== undefined && spoken !== baseLanguage(language)) {
      const wantedName = LANGUAGE_INFO[baseLanguage(language)].name;
      throw new InvalidInput(
        `voice: ${catalog.providerName}'s voice ${found.id} speaks ${spoken ? LANGUAGE_INFO[spoken].name : found.name}, not the video's language (${wantedName}); choose a ${wantedName} voice (GET /api/voices?language=${baseLanguage(language)}) or leave voice out.`,
      );
    }
    return found.id;
  }
  // A short list names each voice; a long one (eSpeak's 150 language codes) only its ids.
  const named = catalog.voices.length <= NAMED_VOICES_IN_MESSAGE;
  const allowed = catalog.voices.map((v) => (named && v.name !== v.id ? `${v.id} (${v.name})` : v.id));
  // The value itself is not echoed: an answer never repeats hostile input.
  throw new InvalidInput(`voice: ${catalog.providerName} has no such voice; use one of: ${allowed.join(', ')} (GET /api/voices lists them).`);
}

/** Chinese voices named by their variety (eSpeak's `cmn`, `yue`, `hak`) speak `zh`. */
const CHINESE_VARIETIES = new Set(['cmn', 'yue', 'hak']);

/** The language of LANGUAGES a voice's language code speaks (`pt-br` → pt, `cmn` → zh), if any. */
export function voiceLanguage(code: string): Language | undefined {
  const primary = code.split('-')[0]!.toLowerCase();
  if (CHINESE_VARIETIES.has(primary)) return 'zh';
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : undefined;
}

/** The voice a video in `language` that names none is spoken in. */
export function defaultVoiceOf(catalog: VoiceCatalog, language: string): string {
  return catalog.defaultVoiceFor?.(language) ?? catalog.defaultVoice;
}

/** The voices of a catalog that speak a language (all of them where voices are not tied to one). */
export function voicesFor(catalog: VoiceCatalog, language: string): Voice[] {
  const wanted = baseLanguage(language);
  return catalog.voices.filter((v) => v.language === undefined || voiceLanguage(v.language) === wanted);
}
