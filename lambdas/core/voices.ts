import { InvalidInput } from './errors.js';

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
  /** Spoken when a request names no voice. */
  defaultVoice: string;
  voices: readonly Voice[];
  /** eSpeak's language codes match in any case; ElevenLabs' ids are exact. */
  caseInsensitive: boolean;
}

/** Up to this many voices, an error lists each with its name. */
const NAMED_VOICES_IN_MESSAGE = 30;

/**
 * The voice as the provider names it, or undefined when the request names none. An unknown voice
 * is an {@link InvalidInput} naming the field and every voice that would do (the API answers 400).
 */
export function checkVoice(voice: string | undefined, catalog: VoiceCatalog): string | undefined {
  if (voice === undefined) return undefined;
  const wanted = catalog.caseInsensitive ? voice.trim().toLowerCase() : voice.trim();
  const found = catalog.voices.find((v) => (catalog.caseInsensitive ? v.id.toLowerCase() : v.id) === wanted);
  if (found) return found.id;
  // A short list names each voice; a long one (eSpeak's 150 language codes) only its ids.
  const named = catalog.voices.length <= NAMED_VOICES_IN_MESSAGE;
  const allowed = catalog.voices.map((v) => (named && v.name !== v.id ? `${v.id} (${v.name})` : v.id));
  // The value itself is not echoed: an answer never repeats hostile input.
  throw new InvalidInput(`voice: ${catalog.providerName} has no such voice; use one of: ${allowed.join(', ')} (GET /api/voices lists them).`);
}
