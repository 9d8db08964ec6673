import { InvalidInput } from '../../core/errors.js';
import { baseLanguage, canonicalLanguage, type Language } from '../../core/languages.js';
import { MAX_VOICE_SPEED, MIN_VOICE_SPEED, type WordTiming } from '../../core/model.js';
import { spokenWords } from '../../core/speech-text.js';
import type { Speech, SpeechSynthesizer } from '../../core/ports.js';

/**
 * Offline voice: eSpeak NG compiled to JavaScript (`@echogarden/espeak-ng-emscripten`).
 * The engine reports word events with sample positions, so word timings need no alignment step.
 */

export const ESPEAK_DEFAULT_VOICE = 'en-us';
/**
 * eSpeak's rate setting, nominally words per minute. Its words are shorter than real ones:
 * 150 comes out at about 170 spoken words a minute of English narration (its own default,
 * 175, at about 200, which sounds hurried).
 */
export const ESPEAK_DEFAULT_RATE = 150;
/** eSpeak accepts 80–450 words per minute. */
const MIN_RATE = 80;
const MAX_RATE = 450;
/** Silence between two lines of the text (each line is one narration segment). */
const LINE_PAUSE_MS = 350;
/** Loudness targets for the finished take: about -18 dBFS RMS, never above -1 dBFS peak. */
const TARGET_RMS = 0.126;
const PEAK_CEILING = 0.891;

/**
 * eSpeak's voice for each language of LANGUAGES (its voice files are named after ISO 639 codes,
 * Mandarin is `cmn`). English is absent: the deployment's default voice (en-us) speaks it.
 */
const LANGUAGE_VOICES: Record<Exclude<Language, 'en'>, string> = {
  es: 'es', pt: 'pt', fr: 'fr', de: 'de', it: 'it', nl: 'nl', pl: 'pl', tr: 'tr', ru: 'ru', uk: 'uk',
  ar: 'ar', hi: 'hi', bn: 'bn', id: 'id', vi: 'vi', th: 'th', ja: 'ja', ko: 'ko', zh: 'cmn',
};

/** Regional voices eSpeak has, by the lower-cased BCP 47 tag a request gives (`pt-BR` → `pt-br`). */
const REGIONAL_VOICES = new Set(['en-gb', 'en-us', 'en-029', 'es-419', 'es-mx', 'fr-be', 'fr-ch', 'fr-fr', 'pt-br', 'pt-pt']);

/**
 * The eSpeak voice that speaks a video's language: the regional one when the tag names a region
 * eSpeak has (`pt-BR` → `pt-br`), else the language's (`zh-Hans-CN` → `cmn`). Undefined for
 * English (and no language): the synthesizer's default voice speaks it.
 */
export function espeakVoiceFor(language: string | undefined): string | undefined {
  if (language === undefined) return undefined;
  const tag = (canonicalLanguage(language) ?? language).toLowerCase();
  if (REGIONAL_VOICES.has(tag)) return tag;
  const base = baseLanguage(tag);
  return base === 'en' ? undefined : LANGUAGE_VOICES[base];
}

export interface EspeakOptions {
  /** Voice used when a request names none, e.g. 'en-us' or 'en-gb'. */
  defaultVoice?: string;
  /** eSpeak's rate setting (see {@link ESPEAK_DEFAULT_RATE}). */
  rate?: number;
}

/** Speaks text with eSpeak NG: a 16-bit mono WAV at the engine's rate (22050 Hz) plus word timings. */
export class EspeakSpeechSynthesizer implements SpeechSynthesizer {
  readonly name = 'espeak';
  readonly cacheKey: string;
  private readonly defaultVoice: string;
  private readonly rate: number;

  constructor(options: EspeakOptions = {}) {
    this.defaultVoice = normalizeVoice(options.defaultVoice ?? ESPEAK_DEFAULT_VOICE);
    this.rate = options.rate ?? ESPEAK_DEFAULT_RATE;
    if (!Number.isInteger(this.rate) || this.rate < MIN_RATE || this.rate > MAX_RATE) {
      throw new RangeError(`eSpeak rate must be a whole number of words per minute from ${MIN_RATE} to ${MAX_RATE}, got ${options.rate}.`);
    }
    this.cacheKey = `espeak-ng/${this.defaultVoice}/${this.rate}`;
  }

  /**
   * `voice` wins; else the voice of `language` (see {@link espeakVoiceFor}); else the default.
   * `speed` scales eSpeak's rate (1.2: 20 % more words a minute); the word events follow it.
   */
  async synthesize(input: { text: string; voice?: string; language?: string; speed?: number }): Promise<Speech> {
    const { text, speed = 1 } = input;
    if (text.trim() === '') throw new InvalidInput('There is no text to speak.');
    if (!(speed >= MIN_VOICE_SPEED && speed <= MAX_VOICE_SPEED)) {
      throw new InvalidInput(`voiceSpeed must be from ${MIN_VOICE_SPEED} to ${MAX_VOICE_SPEED}.`);
    }
    const chosen = input.voice ?? espeakVoiceFor(input.language) ?? this.defaultVoice;
    const voice = normalizeVoice(chosen);
    const take = await speak(text, voice, Math.round(this.rate * speed), input.language);
    if (!take) {
      throw new InvalidInput(`Unknown eSpeak voice "${chosen}". Valid voices: ${[...(await voiceNames())].join(', ')}.`);
    }
    const { sampleRate } = take;
    const samples = normalizeLoudness(take.samples);
    return {
      audio: encodeWav(samples, sampleRate),
      contentType: 'audio/wav',
      extension: 'wav',
      durationMs: (samples.length * 1000) / sampleRate,
      words: take.words.map((w) => ({
        text: w.text,
        charStart: w.charStart,
        startMs: Math.floor((w.startSample * 1000) / sampleRate),
        endMs: Math.floor((w.endSample * 1000) / sampleRate),
      })) satisfies WordTiming[],
      spend: { units: { characters: text.length }, usd: 0 },
    };
  }
}

function normalizeVoice(voice: string): string {
  return voice.trim().toLowerCase();
}

// ---------------------------------------------------------------------------
// The engine: a fresh instance for every take, dropped when the take is done.
//
// An instance holds ~60 MB (its 16 MB WebAssembly memory, the 24 MB voice data unpacked into
// its file system, the compiled module) and a process speaks once per video, so keeping one
// alive would carry that through the whole render. A fresh instance costs ~0.1 s and starts
// from the same state every time (the engine keeps state between calls: its noise generator,
// pitch flutter, the loaded dictionary), so the same input always gives the same bytes.

/** The parts of the package's Emscripten module used here (the package ships no types). */
interface EspeakModule {
  eSpeakNGWorker: new () => EspeakWorker;
  espeak_EVENT: unknown;
  espeakEVENT_LIST_TERMINATED: number;
  espeakEVENT_WORD: number;
  espeakEVENT_PHONEME: number;
  HEAPU8: Uint8Array;
  HEAP16: Int16Array;
  wrapPointer(ptr: number, type: unknown): EspeakEvent;
  addFunction(fn: (audioPtr: number, sampleCount: number, eventsPtr: number) => number, signature: string): number;
  _webidl_malloc(size: number): number;
}

interface EspeakWorker {
  /** 0 on success. Takes a voice file name or identifier such as 'gmw/en-US'. */
  set_voice(name: string): number;
  set_rate(wordsPerMinute: number): void;
  get_samplerate(): number;
  list_voices(): { name: string; identifier: string; languages: { priority: number; name: string }[] }[];
  getSizeOfEventStruct_(): number;
  getStringIDFromEventStruct_(eventPtr: number): string;
  /** Synthesizes a NUL-terminated UTF-8 string at `textPtr` (SSML enabled), calling back per audio chunk. */
  synth_(textPtr: number, callbackPtr: number): void;
}

interface EspeakEvent {
  get_type(): number;
  /** 1-based index of the Unicode code point the event belongs to. */
  get_text_position(): number;
  /** Samples from the start of this synth_ call. */
  get_sample(): number;
}

/** What one synth_ call produced. */
interface RawSynthesis {
  chunks: Int16Array[];
  sampleCount: number;
  /** Word events: 1-based code point position and sample. */
  wordEvents: { position: number; sample: number }[];
  /** Samples where a pause phoneme begins. */
  pauses: number[];
}

interface Engine {
  module: EspeakModule;
  worker: EspeakWorker;
  sampleRate: number;
  /** Accepted voice name (a language code such as 'en-us') → the identifier set_voice takes. */
  voices: Map<string, string>;
  callbackPtr: number;
  /** Receives the current call's chunks and events. */
  sink: RawSynthesis | undefined;
}

/** The voices eSpeak offers, learnt from the first instance (they are fixed by the package). */
let knownVoices: Map<string, string> | undefined;

/**
 * Every voice the engine can speak, as a request names it (a language code), with eSpeak's name
 * for it: what lambdas/adapters/offline/espeak-voices.ts writes down for the API.
 */
export async function engineVoices(): Promise<{ id: string; name: string }[]> {
  const engine = await createEngine();
  const names = new Map(engine.worker.list_voices().map((v) => [v.identifier, v.name.trim()]));
  return [...engine.voices.entries()].map(([id, identifier]) => ({ id, name: names.get(identifier) ?? id }));
}

async function voiceNames(): Promise<Iterable<string>> {
  knownVoices ??= (await createEngine()).voices;
  return knownVoices.keys();
}

/**
 * Speaks `text` on a fresh instance. Undefined when eSpeak has no such voice. Synchronous
 * once the instance exists, so concurrent calls cannot interleave inside one instance.
 */
async function speak(text: string, voice: string, rate: number, language: string | undefined): Promise<(ReturnType<typeof speakLines> & { sampleRate: number }) | undefined> {
  const engine = await createEngine();
  knownVoices ??= engine.voices;
  const voiceId = engine.voices.get(voice);
  if (voiceId === undefined) return undefined;
  return { ...speakLines(engine, text, voiceId, rate, language), sampleRate: engine.sampleRate };
}

async function createEngine(): Promise<Engine> {
  // @ts-expect-error -- the package ships no type declarations; EspeakModule types the parts used here.
  const imported = (await import('@echogarden/espeak-ng-emscripten')) as { default: () => Promise<EspeakModule> };
  const module = await imported.default();
  const worker = new module.eSpeakNGWorker();
  const voices = voiceTable(worker.list_voices());
  // Every instance goes through the same steps before its first take, so every take starts alike.
  if (worker.set_voice(voices.get(ESPEAK_DEFAULT_VOICE) ?? 'gmw/en-US') !== 0) throw new Error('eSpeak could not load its default voice.');
  const eventSize = worker.getSizeOfEventStruct_();
  const engine: Engine = {
    module,
    worker,
    sampleRate: worker.get_samplerate(),
    voices,
    callbackPtr: 0,
    sink: undefined,
  };
  engine.callbackPtr = module.addFunction(
    (audioPtr, sampleCount, eventsPtr) => {
      const sink = engine.sink;
      if (!sink) return 0;
      if (sampleCount > 0) {
        sink.chunks.push(module.HEAP16.slice(audioPtr / 2, audioPtr / 2 + sampleCount));
        sink.sampleCount += sampleCount;
      }
      for (let ptr = eventsPtr; ; ptr += eventSize) {
        const event = module.wrapPointer(ptr, module.espeak_EVENT);
        const type = event.get_type();
        if (type === module.espeakEVENT_LIST_TERMINATED) break;
        if (type === module.espeakEVENT_WORD) {
          sink.wordEvents.push({ position: event.get_text_position(), sample: event.get_sample() });
        } else if (type === module.espeakEVENT_PHONEME && worker.getStringIDFromEventStruct_(ptr).trim() === '') {
          sink.pauses.push(event.get_sample()); // pause phonemes carry no IPA text
        }
      }
      return 0; // 0 = keep going
    },
    'iiii',
  );
  return engine;
}

/**
 * Maps each language code eSpeak lists (en-us, en-gb, de…) to its preferred voice.
 * set_voice matches file names, so 'en-gb' alone fails: its voice file is called 'en'.
 */
function voiceTable(list: ReturnType<EspeakWorker['list_voices']>): Map<string, string> {
  const best = new Map<string, { identifier: string; priority: number }>();
  for (const voice of list) {
    for (const language of voice.languages) {
      const name = language.name.toLowerCase();
      const current = best.get(name);
      // A lower number is a better match in eSpeak's voice files.
      if (!current || language.priority < current.priority) best.set(name, { identifier: voice.identifier, priority: language.priority });
    }
  }
  return new Map([...best.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, v]) => [name, v.identifier]));
}

/** Runs one synth_ call on SSML text; the caller has set voice and rate. */
function synthesizeSsml(engine: Engine, ssml: string): RawSynthesis {
  const { module } = engine;
  const bytes = new TextEncoder().encode(ssml);
  const textPtr = module._webidl_malloc(bytes.length + 1);
  module.HEAPU8.set(bytes, textPtr);
  module.HEAPU8[textPtr + bytes.length] = 0;
  const sink: RawSynthesis = { chunks: [], sampleCount: 0, wordEvents: [], pauses: [] };
  engine.sink = sink;
  try {
    engine.worker.synth_(textPtr, engine.callbackPtr);
  } finally {
    engine.sink = undefined;
  }
  return sink; // textPtr goes with the instance
}

// ---------------------------------------------------------------------------
// Text → lines → words, and events → word timings.

interface TimedWord {
  text: string;
  charStart: number;
  startSample: number;
  endSample: number;
}

interface LineWord {
  text: string;
  charStart: number;
  /** Where the whitespace-delimited token starts, leading punctuation included. */
  tokenStart: number;
  /** Sample of the engine's first word event inside the token, when it gave one. */
  eventSample?: number;
}

/**
 * The words of `line` (which starts at `lineStart` in the whole text), as the captions count
 * them (`spokenWords`: Intl.Segmenter words where the language has no spaces). A word's token
 * starts at its whitespace token's start when it is that token's first word (leading
 * punctuation belongs to it), else at the word itself.
 */
function wordsOf(line: string, lineStart: number, language: string | undefined): LineWord[] {
  let previousEnd = 0;
  return spokenWords(line, language).map((word) => {
    let tokenStart = word.charStart;
    while (tokenStart > previousEnd && !/\s/u.test(line[tokenStart - 1]!)) tokenStart--;
    // Only the token's first word takes what precedes it; a later one starts at itself.
    if (tokenStart < word.charStart && tokenStart === previousEnd && previousEnd > 0 && !/\s/u.test(line[previousEnd - 1] ?? ' ')) tokenStart = word.charStart;
    previousEnd = word.charEnd;
    return { text: word.text, charStart: lineStart + word.charStart, tokenStart: lineStart + tokenStart };
  });
}

/**
 * Escapes a line for eSpeak's SSML mode and maps each code point of the result back to
 * a UTF-16 offset in the whole text (the engine reports 1-based code point positions).
 */
function toSsml(line: string, lineStart: number): { ssml: string; offsets: number[] } {
  let ssml = '';
  const offsets: number[] = [];
  let index = 0;
  for (const char of line) {
    const escaped = char === '&' ? '&amp;' : char === '<' ? '&lt;' : char === '>' ? '&gt;' : char;
    ssml += escaped;
    const codePoints = escaped === char ? 1 : escaped.length; // entities are ASCII
    for (let i = 0; i < codePoints; i++) offsets.push(lineStart + index);
    index += char.length;
  }
  return { ssml, offsets };
}

/** Speaks each line as its own sentence, with a pause between lines. */
function speakLines(engine: Engine, text: string, voiceId: string, rate: number, language: string | undefined): { samples: Int16Array; words: TimedWord[] } {
  if (engine.worker.set_voice(voiceId) !== 0) throw new Error(`eSpeak could not load voice ${voiceId}.`);
  engine.worker.set_rate(rate);

  const pauseSamples = Math.round((LINE_PAUSE_MS * engine.sampleRate) / 1000);
  const parts: Int16Array[] = [];
  const words: TimedWord[] = [];
  let offsetSamples = 0;
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const start = lineStart;
    lineStart += line.length + 1;
    if (line.trim() === '') continue;
    if (offsetSamples > 0) {
      parts.push(new Int16Array(pauseSamples));
      offsetSamples += pauseSamples;
    }
    const { ssml, offsets } = toSsml(line, start);
    const raw = synthesizeSsml(engine, ssml);
    const lineWords = wordsOf(line, start, language);
    attachEvents(lineWords, raw.wordEvents, offsets);
    for (const word of timeLine(lineWords, raw)) {
      words.push({ ...word, startSample: word.startSample + offsetSamples, endSample: word.endSample + offsetSamples });
    }
    parts.push(...raw.chunks);
    offsetSamples += raw.sampleCount;
  }

  const samples = new Int16Array(offsetSamples);
  let at = 0;
  for (const part of parts) {
    samples.set(part, at);
    at += part.length;
  }
  return { samples, words };
}

/**
 * Gives each word the sample of the first word event inside its token. The engine may
 * speak one token as several words ("3.5", "U.S.A.") or none; an event that lands on
 * whitespace or a punctuation-only token belongs to the word before it.
 */
function attachEvents(words: LineWord[], events: RawSynthesis['wordEvents'], offsets: number[]): void {
  let owner = -1; // index of the word the latest event belongs to
  let lastTimed = -1;
  for (const event of events) {
    const offset = offsets[Math.min(Math.max(event.position - 1, 0), offsets.length - 1)];
    if (offset === undefined) continue;
    // Events come in speaking order, so the owner only moves forward.
    while (owner + 1 < words.length && words[owner + 1]!.tokenStart <= offset) owner++;
    // Keep word order even if the engine reads ahead ("$5" → "five dollars").
    if (owner > lastTimed) {
      words[owner]!.eventSample = event.sample;
      lastTimed = owner;
    }
  }
}

/**
 * Turns event samples into spans (line-relative samples). A word ends where the next one
 * starts or where a pause begins, whichever is first. Words the engine gave no event of
 * their own share the span of the timed word before them, split by length.
 */
function timeLine(words: LineWord[], raw: RawSynthesis): TimedWord[] {
  const timed: TimedWord[] = [];
  let i = 0;
  while (i < words.length) {
    let j = i + 1;
    while (j < words.length && words[j]!.eventSample === undefined) j++;
    const groupStart = words[i]!.eventSample ?? 0;
    const limit = j < words.length ? words[j]!.eventSample! : raw.sampleCount;
    const pause = raw.pauses.find((p) => p > groupStart && p < limit);
    const groupEnd = pause ?? limit;
    const group = words.slice(i, j);
    const total = group.reduce((sum, w) => sum + w.text.length, 0);
    let covered = 0;
    for (const word of group) {
      const startSample = groupStart + Math.floor(((groupEnd - groupStart) * covered) / total);
      covered += word.text.length;
      const endSample = groupStart + Math.floor(((groupEnd - groupStart) * covered) / total);
      timed.push({ text: word.text, charStart: word.charStart, startSample, endSample });
    }
    i = j;
  }
  return timed;
}

// ---------------------------------------------------------------------------
// Audio.

/** One gain for the whole take: up towards the RMS target, but never past the peak ceiling. */
function normalizeLoudness(samples: Int16Array): Int16Array {
  let peak = 0;
  let sumSquares = 0;
  for (const s of samples) {
    const abs = Math.abs(s);
    if (abs > peak) peak = abs;
    sumSquares += s * s;
  }
  if (peak === 0) return samples;
  const rms = Math.sqrt(sumSquares / samples.length) / 32768;
  const gain = Math.min(TARGET_RMS / rms, PEAK_CEILING / (peak / 32768));
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.round(samples[i]! * gain);
  return out;
}

/** A canonical 44-byte-header RIFF/WAVE file: PCM, 16-bit, mono. */
function encodeWav(samples: Int16Array, sampleRate: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) bytes[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + i * 2, samples[i]!, true);
  return bytes;
}
