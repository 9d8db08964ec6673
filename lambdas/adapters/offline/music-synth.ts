/**
 * The offline music generator: a bed synthesized from code, per mood — a tempo, a key, a chord
 * progression and a few voices (a pad, a plucked arpeggio, a bass, soft drums for the rhythmic
 * moods). Nothing is downloaded; the same request always gives the same bytes, and the seed
 * (stable per video) picks the key, the progression and the arpeggio among each mood's own.
 */
import type { MusicMood } from '../../core/model.js';
import { encodeWav16 } from '../../core/pcm.js';
import type { MusicGenerator, MusicRequest, Spend } from '../../core/ports.js';
import { mulberry32 } from './seeded-random.js';

/** CD rate: what platforms and the renderer expect of music. */
export const MUSIC_SAMPLE_RATE = 44_100;

type Drums = 'none' | 'pop' | 'lofi' | 'pulse' | 'light';

interface MoodPlan {
  bpm: number;
  /** Pitch class of the key's tonic before the seed's transposition (0 = C). */
  tonic: number;
  minor: boolean;
  /** Scale degrees (0-based) of each bar's chord; the seed picks one progression. */
  progressions: number[][];
  /** Four-note chords (7ths) instead of triads. */
  sevenths: boolean;
  /** Indexes into the chord's arpeggio notes per 16th step (-1: rest); the seed picks one. */
  arps: number[][];
  /** Bass hits per bar, as 16th steps. */
  bass: number[];
  drums: Drums;
  /** Gains of the voices. */
  pad: number;
  pluck: number;
  bassGain: number;
  /** The pad's low-pass cutoff in Hz: darker moods sit lower. */
  padCutoff: number;
  /** Lo-fi: a dusty record (crackle, a dull top end). */
  dusty?: boolean;
}

const R = -1;
const PLANS: Record<MusicMood, MoodPlan> = {
  calm: {
    bpm: 70, tonic: 0, minor: false, sevenths: false,
    progressions: [[0, 4, 5, 3], [0, 5, 3, 4], [3, 0, 4, 5]],
    arps: [[0, R, R, R, 1, R, R, R, 2, R, R, R, 3, R, R, R], [2, R, R, R, 1, R, R, R, 3, R, R, R, 1, R, R, R]],
    bass: [0], drums: 'none', pad: 0.55, pluck: 0.35, bassGain: 0.35, padCutoff: 1400,
  },
  upbeat: {
    bpm: 116, tonic: 7, minor: false, sevenths: false,
    progressions: [[0, 4, 5, 3], [5, 3, 0, 4], [0, 3, 4, 3]],
    arps: [[0, R, 1, R, 2, R, 3, R, 2, R, 1, R, 2, R, 3, R], [0, R, 2, R, 1, R, 3, R, 0, R, 2, R, 1, R, 3, R]],
    bass: [0, 3, 6, 8, 11, 14], drums: 'pop', pad: 0.3, pluck: 0.45, bassGain: 0.45, padCutoff: 1800,
  },
  dramatic: {
    bpm: 84, tonic: 2, minor: true, sevenths: false,
    progressions: [[0, 5, 2, 6], [0, 3, 5, 4], [0, 5, 3, 4]],
    arps: [[0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1], [0, R, 2, R, 1, R, 2, R, 0, R, 2, R, 1, R, 3, R]],
    bass: [0, 8], drums: 'pulse', pad: 0.55, pluck: 0.25, bassGain: 0.5, padCutoff: 900,
  },
  inspiring: {
    bpm: 96, tonic: 5, minor: false, sevenths: false,
    progressions: [[3, 0, 4, 5], [0, 4, 5, 3], [5, 3, 0, 4]],
    arps: [[0, R, 1, R, 2, R, 3, R, 0, R, 1, R, 2, R, 3, R], [0, R, 2, R, 3, R, 2, R, 1, R, 2, R, 3, R, 2, R]],
    bass: [0, 8], drums: 'light', pad: 0.45, pluck: 0.4, bassGain: 0.4, padCutoff: 1600,
  },
  lofi: {
    bpm: 78, tonic: 9, minor: true, sevenths: true,
    progressions: [[3, 6, 0, 5], [0, 3, 6, 2], [5, 4, 0, 0]],
    arps: [[0, R, R, R, R, R, 2, R, R, R, 1, R, R, R, 3, R], [R, R, 0, R, R, R, 2, R, 3, R, R, R, 1, R, R, R]],
    bass: [0, 7, 10], drums: 'lofi', pad: 0.4, pluck: 0.35, bassGain: 0.45, padCutoff: 1000, dusty: true,
  },
};

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const MINOR = [0, 2, 3, 5, 7, 8, 10];

const midiHz = (note: number) => 440 * 2 ** ((note - 69) / 12);

/** One cycle of a soft, band-limited saw (8 partials, rolled off), read by phase. */
const TABLE_SIZE = 4096;
const SOFT_SAW = (() => {
  const table = new Float32Array(TABLE_SIZE + 1);
  for (let i = 0; i <= TABLE_SIZE; i++) {
    let v = 0;
    for (let k = 1; k <= 8; k++) v += (Math.sin((2 * Math.PI * k * i) / TABLE_SIZE) / k) * 0.82 ** k;
    table[i] = v * 0.8;
  }
  return table;
})();

/** The chord's pitch classes, from the scale degree (triad or 7th). */
function chordClasses(plan: MoodPlan, tonic: number, degree: number): number[] {
  const scale = plan.minor ? MINOR : MAJOR;
  const steps = plan.sevenths ? [0, 2, 4, 6] : [0, 2, 4];
  return steps.map((s) => (tonic + scale[(degree + s) % 7]!) % 12);
}

/** Each pitch class placed in one octave window, so chords move by small steps (voice leading for free). */
function inWindow(pc: number, low: number): number {
  return low + ((((pc - low) % 12) + 12) % 12);
}

interface Track {
  left: Float32Array;
  right: Float32Array;
}

/** Adds a pad chord: two detuned soft saws per note (one a side), slow attack and release, low-passed. */
function addPad(track: Track, notes: number[], startS: number, endS: number, gain: number, cutoff: number): void {
  const attack = 0.7;
  const release = 1.6;
  const from = Math.floor(startS * MUSIC_SAMPLE_RATE);
  const to = Math.min(track.left.length, Math.floor((endS + release) * MUSIC_SAMPLE_RATE));
  const alpha = 1 - Math.exp((-2 * Math.PI * cutoff) / MUSIC_SAMPLE_RATE);
  const perNote = gain / notes.length;
  for (const note of notes) {
    for (const [side, cents] of [[0, -7], [1, 7]] as const) {
      const out = side === 0 ? track.left : track.right;
      const step = (midiHz(note) * 2 ** (cents / 1200) * TABLE_SIZE) / MUSIC_SAMPLE_RATE;
      let phase = (note * 977 + side * 1601) % TABLE_SIZE; // different start phases: no comb at onset
      let lp = 0;
      for (let i = from; i < to; i++) {
        const t = (i - from) / MUSIC_SAMPLE_RATE;
        const env = t < attack ? t / attack : i / MUSIC_SAMPLE_RATE > endS ? Math.max(0, 1 - (i / MUSIC_SAMPLE_RATE - endS) / release) : 1;
        const p = phase | 0;
        const v = SOFT_SAW[p]! + (SOFT_SAW[p + 1]! - SOFT_SAW[p]!) * (phase - p);
        lp += alpha * (v - lp);
        out[i]! += lp * env * perNote;
        phase += step;
        if (phase >= TABLE_SIZE) phase -= TABLE_SIZE;
      }
    }
  }
}

/** Adds a plucked string (Karplus–Strong): noise in a tuned delay line, averaged, decaying naturally. */
function addPluck(track: Track, note: number, atS: number, gain: number, pan: number, random: () => number): void {
  const period = Math.max(2, Math.round(MUSIC_SAMPLE_RATE / midiHz(note)));
  const line = new Float32Array(period);
  // Soft excitation: low-passed noise, so the pluck is gentle rather than bright.
  let lp = 0;
  for (let i = 0; i < period; i++) {
    lp += 0.5 * (random() * 2 - 1 - lp);
    line[i] = lp;
  }
  const length = Math.floor(1.6 * MUSIC_SAMPLE_RATE);
  const from = Math.floor(atS * MUSIC_SAMPLE_RATE);
  const left = gain * Math.cos((pan + 1) * (Math.PI / 4));
  const right = gain * Math.sin((pan + 1) * (Math.PI / 4));
  let index = 0;
  let previous = 0;
  for (let n = 0; n < length && from + n < track.left.length; n++) {
    const current = line[index]!;
    const next = 0.498 * (current + previous);
    previous = current;
    line[index] = next;
    index = (index + 1) % period;
    const attack = n < 64 ? n / 64 : 1;
    track.left[from + n]! += current * attack * left;
    track.right[from + n]! += current * attack * right;
  }
}

/** Adds a bass note: a sine with a little second harmonic, short attack, gentle decay to a sustain. */
function addBass(track: Track, note: number, startS: number, lengthS: number, gain: number): void {
  const from = Math.floor(startS * MUSIC_SAMPLE_RATE);
  const length = Math.floor((lengthS + 0.08) * MUSIC_SAMPLE_RATE);
  const w = (2 * Math.PI * midiHz(note)) / MUSIC_SAMPLE_RATE;
  for (let n = 0; n < length && from + n < track.left.length; n++) {
    const t = n / MUSIC_SAMPLE_RATE;
    const env = Math.min(1, t / 0.01) * (0.6 + 0.4 * Math.exp(-t * 4)) * Math.min(1, (lengthS + 0.08 - t) / 0.08);
    const v = (Math.sin(w * n) + 0.25 * Math.sin(2 * w * n)) * env * gain;
    track.left[from + n]! += v;
    track.right[from + n]! += v;
  }
}

/** One drum hit, made once and mixed in where it plays. */
function drumSamples(random: () => number): Record<'kick' | 'snare' | 'hat' | 'boom', Float32Array> {
  const make = (seconds: number, sample: (t: number, n: number) => number) => {
    const out = new Float32Array(Math.floor(seconds * MUSIC_SAMPLE_RATE));
    for (let n = 0; n < out.length; n++) out[n] = sample(n / MUSIC_SAMPLE_RATE, n);
    return out;
  };
  let kickPhase = 0;
  const kick = make(0.35, (t) => {
    kickPhase += (2 * Math.PI * (45 + 75 * Math.exp(-t * 30))) / MUSIC_SAMPLE_RATE;
    return Math.sin(kickPhase) * Math.exp(-t * 9);
  });
  let boomPhase = 0;
  const boom = make(0.9, (t) => {
    boomPhase += (2 * Math.PI * (38 + 40 * Math.exp(-t * 12))) / MUSIC_SAMPLE_RATE;
    return Math.sin(boomPhase) * Math.exp(-t * 4);
  });
  let snareLp = 0;
  const snare = make(0.2, (t) => {
    const noise = random() * 2 - 1;
    snareLp += 0.35 * (noise - snareLp);
    return (snareLp * 0.8 + 0.3 * Math.sin(2 * Math.PI * 185 * t)) * Math.exp(-t * 22);
  });
  let hatLp = 0;
  const hat = make(0.05, (t) => {
    const noise = random() * 2 - 1;
    hatLp += 0.6 * (noise - hatLp);
    return (noise - hatLp) * Math.exp(-t * 90);
  });
  return { kick, snare, hat, boom };
}

function addHit(track: Track, hit: Float32Array, atS: number, gain: number): void {
  const from = Math.floor(atS * MUSIC_SAMPLE_RATE);
  for (let n = 0; n < hit.length && from + n < track.left.length; n++) {
    track.left[from + n]! += hit[n]! * gain;
    track.right[from + n]! += hit[n]! * gain;
  }
}

/** Where each kind of hit falls in a bar of 16 steps, and how loud. */
const DRUM_PATTERNS: Record<Exclude<Drums, 'none'>, { kind: 'kick' | 'snare' | 'hat' | 'boom'; steps: number[]; gain: number }[]> = {
  pop: [
    { kind: 'kick', steps: [0, 4, 8, 12], gain: 0.45 },
    { kind: 'snare', steps: [4, 12], gain: 0.22 },
    { kind: 'hat', steps: [2, 6, 10, 14], gain: 0.12 },
  ],
  lofi: [
    { kind: 'kick', steps: [0, 7, 10], gain: 0.45 },
    { kind: 'snare', steps: [4, 12], gain: 0.2 },
    { kind: 'hat', steps: [0, 2, 4, 6, 8, 10, 12, 14], gain: 0.08 },
  ],
  pulse: [
    { kind: 'boom', steps: [0], gain: 0.55 },
    { kind: 'kick', steps: [6, 8, 14], gain: 0.25 },
  ],
  light: [
    { kind: 'kick', steps: [0, 8], gain: 0.35 },
    { kind: 'hat', steps: [4, 12], gain: 0.06 },
  ],
};

/**
 * Synthesizes a bed: left and right channels at {@link MUSIC_SAMPLE_RATE}, peaking at −3 dBFS,
 * faded in and out. Deterministic for the same mood, length and seed.
 */
export function synthesizeMusic(request: Pick<MusicRequest, 'mood' | 'lengthMs' | 'seed'>): { left: Float32Array; right: Float32Array } {
  const plan = PLANS[request.mood];
  const random = mulberry32(request.seed);
  const transpose = Math.floor(random() * 5) - 2; // −2..+2 semitones: the same mood in a neighbouring key
  const tonic = (plan.tonic + transpose + 12) % 12;
  const progression = plan.progressions[Math.floor(random() * plan.progressions.length)]!;
  const arp = plan.arps[Math.floor(random() * plan.arps.length)]!;
  const samples = Math.max(1, Math.round((request.lengthMs / 1000) * MUSIC_SAMPLE_RATE));
  const track: Track = { left: new Float32Array(samples), right: new Float32Array(samples) };
  const seconds = samples / MUSIC_SAMPLE_RATE;
  const step = 60 / plan.bpm / 4; // a 16th note
  const bar = step * 16;
  const drums = drumSamples(random);
  const swing = plan.drums === 'lofi' ? step * 0.33 : 0;

  for (let b = 0; b * bar < seconds; b++) {
    const start = b * bar;
    const classes = chordClasses(plan, tonic, progression[b % progression.length]!);
    const padNotes = classes.map((pc) => inWindow(pc, 55)).sort((x, y) => x - y);
    addPad(track, [inWindow(classes[0]!, 43), ...padNotes], start, start + bar, plan.pad, plan.padCutoff);

    // The arpeggio and the drums come in after the first bar: a short intro of pad and bass.
    const arpNotes = [...classes.map((pc) => inWindow(pc, 60)).sort((x, y) => x - y), inWindow(classes[0]!, 72)];
    if (b > 0 || plan.drums === 'none') {
      arp.forEach((index, s) => {
        if (index < 0) return;
        const at = start + s * step + (s % 2 === 1 ? swing : 0);
        addPluck(track, arpNotes[index % arpNotes.length]!, at, plan.pluck * (s % 4 === 0 ? 1 : 0.75), s % 8 < 4 ? -0.35 : 0.35, random);
      });
    }
    const bassNote = inWindow(classes[0]!, 33);
    plan.bass.forEach((s, i) => {
      const next = plan.bass[i + 1] ?? 16;
      addBass(track, bassNote, start + s * step, (next - s) * step * 0.9, plan.bassGain);
    });
    if (plan.drums !== 'none' && b > 0) {
      for (const { kind, steps, gain } of DRUM_PATTERNS[plan.drums]) {
        for (const s of steps) addHit(track, drums[kind], start + s * step + (s % 4 === 2 ? swing : 0), gain);
      }
    }
  }

  if (plan.dusty) dust(track, random);
  master(track);
  return track;
}

/** Lo-fi: a dull top end and a faint, sparse record crackle. */
function dust(track: Track, random: () => number): void {
  const alpha = 1 - Math.exp((-2 * Math.PI * 3500) / MUSIC_SAMPLE_RATE);
  for (const channel of [track.left, track.right]) {
    let lp = 0;
    for (let i = 0; i < channel.length; i++) {
      lp += alpha * (channel[i]! - lp);
      channel[i] = lp + (random() < 0.0004 ? (random() * 2 - 1) * 0.05 : 0);
    }
  }
}

/** Peak to −3 dBFS, a short fade in and a longer fade out (the composition draws its own fades too). */
function master(track: Track): void {
  let peak = 0;
  for (const channel of [track.left, track.right]) for (const v of channel) peak = Math.max(peak, Math.abs(v));
  const gain = peak > 0 ? 0.708 / peak : 0;
  const n = track.left.length;
  const fadeIn = Math.min(n / 4, 0.4 * MUSIC_SAMPLE_RATE);
  const fadeOut = Math.min(n / 4, 2 * MUSIC_SAMPLE_RATE);
  for (const channel of [track.left, track.right]) {
    for (let i = 0; i < n; i++) {
      const fade = Math.min(1, i / fadeIn, (n - 1 - i) / fadeOut);
      channel[i] = channel[i]! * gain * Math.max(0, fade);
    }
  }
}

/** Composes beds from code (offline). Costs nothing. */
export class SynthMusicGenerator implements MusicGenerator {
  readonly name = 'offline';
  /** Bump the version when the synthesis changes, so stored beds are made again. */
  readonly cacheKey = 'offline/music-synth/v1';

  async compose(request: MusicRequest): Promise<{ bytes: Uint8Array; spend: Spend }> {
    const { left, right } = synthesizeMusic(request);
    return { bytes: encodeWav16({ sampleRate: MUSIC_SAMPLE_RATE, channels: [left, right] }), spend: { units: { seconds: Math.round(request.lengthMs / 1000) }, usd: 0 } };
  }
}
