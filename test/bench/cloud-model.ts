/**
 * A model of one short on AWS as the stack deploys it: seconds end to end and dollars per video.
 * Nothing here is measured in AWS (this machine cannot reach it); every figure comes from the
 * stack's own settings (function memory, the ASL's Map concurrency and Wait, Remotion Lambda's
 * memory and its default frames per function) or from a listed assumption with its source, so a
 * reader can check each one and change it. `npm run bench -- --only cloud` prints it.
 */
import { readFileSync } from 'node:fs';
import { REMOTION_MEMORY_MB } from '../../lib/cloud/render.js';
import { GROQ_USD_PER_MILLION } from '../../lambdas/adapters/providers/groq-script-writer.js';
import { elevenLabsUsdPerCharacter, DEFAULT_ELEVENLABS_MODEL_ID } from '../../lambdas/adapters/providers/elevenlabs-speech.js';
import { REPLICATE_USD_PER_IMAGE } from '../../lambdas/adapters/providers/replicate-image-generator.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { FPS } from '../../lambdas/core/model.js';

/** What the model assumes; each with where the figure comes from. */
export interface CloudAssumptions {
  videoSeconds: number;
  scenes: number;
  /** Spoken characters per second of video (about 15 for English narration at ~150 words a minute). */
  charactersPerSecond: number;
  groq: { inputTokens: number; outputTokens: number; tokensPerSecond: number; firstTokenSeconds: number };
  /** Seconds Replicate takes for one Ideogram v3 Turbo picture, queueing and download included. */
  imageSeconds: number;
  /** Seconds ElevenLabs takes per second of speech made (with timestamps), and per request. */
  voiceSecondsPerSpeechSecond: number;
  voiceRequestSeconds: number;
  /** Voice segments made at once (per-scene voice). */
  voiceConcurrency: number;
  /** Chromium CPU-seconds per 1080×1920 frame (this machine's full render when the bench measured it). */
  coreSecondsPerFrame: number;
  /** A render function's start: a cold Lambda with Chromium (Remotion's published 1–3 s). */
  renderColdStartSeconds: number;
  /** The main render function's stitching of the chunks and the audio, per minute of video. */
  stitchSecondsPerMinute: number;
  /** Per pipeline step: Lambda invoke through Step Functions, warm (tens of ms) to cold (~0.5 s on Node 22 arm64). */
  stepOverheadSeconds: number;
  /** SQS → dispatcher → StartExecution. */
  admissionSeconds: number;
}

/** The figures the model uses by default, each with its source. */
export const DEFAULT_ASSUMPTIONS: CloudAssumptions = {
  videoSeconds: 60,
  scenes: 8,
  charactersPerSecond: 15,
  // Groq's published llama-3.3-70b-versatile speed (~275 tokens/s) and a script of ~1.3k tokens in, ~700 out.
  groq: { inputTokens: 1300, outputTokens: 700, tokensPerSecond: 275, firstTokenSeconds: 0.3 },
  // Replicate's Ideogram v3 Turbo page: predictions typically finish in a few seconds; 6 s with polling and download.
  imageSeconds: 6,
  // ElevenLabs multilingual v2: roughly 0.15 s of work per second of speech, plus a request's round trip.
  voiceSecondsPerSpeechSecond: 0.15,
  voiceRequestSeconds: 0.6,
  voiceConcurrency: 3,
  // Measured here (bench "render, full"): ~0.4 CPU-s per frame; Lambda's CPU is about this machine's per core.
  coreSecondsPerFrame: 0.4,
  renderColdStartSeconds: 2.5,
  stitchSecondsPerMinute: 5,
  stepOverheadSeconds: 0.3,
  admissionSeconds: 1,
};

/** AWS list prices, us-east-1, arm64 (December 2026 pricing pages). */
export const AWS_PRICES = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  stepFunctionsTransition: 0.025 / 1000,
  sqsRequest: 0.4 / 1e6,
  dynamoWrite: 1.25 / 1e6,
  dynamoRead: 0.25 / 1e6,
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
};

/** Remotion Lambda's default frames per render function (its `bestFramesPerLambdaParam`), which the stack keeps. */
export function remotionFramesPerLambda(frameCount: number): number {
  // Concurrency grows from 75 (0 frames) to 150 (10 minutes at 30 fps); at least 20 frames a function.
  const concurrency = 75 + (75 * Math.min(frameCount, 18000)) / 18000;
  const framesPerLambda = Math.max(frameCount / concurrency, 20);
  const lambdas = Math.ceil(frameCount / framesPerLambda);
  return Math.ceil(frameCount / lambdas);
}

/** Lambda vCPUs at a memory size: one full vCPU at 1,769 MB, in proportion below and above. */
export function lambdaVcpus(memoryMb: number): number {
  return memoryMb / 1769;
}

export interface CloudLine {
  what: string;
  seconds?: number;
  usd: number;
  note: string;
}

export interface CloudModel {
  assumptions: CloudAssumptions;
  frames: number;
  framesPerLambda: number;
  renderFunctions: number;
  transitions: number;
  seconds: number;
  usd: number;
  lines: CloudLine[];
}

interface Asl {
  States: Record<string, { Type: string; Seconds?: number; MaxConcurrency?: number }>;
}

/** The model for the stack as configured. */
export function cloudModel(assumptions: CloudAssumptions = DEFAULT_ASSUMPTIONS): CloudModel {
  const a = assumptions;
  const asl = JSON.parse(readFileSync('state-machines/video-pipeline.asl.json', 'utf8')) as Asl;
  const pollSeconds = Object.values(asl.States).find((s) => s.Type === 'Wait')?.Seconds ?? 5;
  const memory = Object.fromEntries(STEP_FUNCTIONS.map((f) => [f.id, f.memoryMb])) as Record<string, number>;
  const gbSeconds = (mb: number, seconds: number) => (mb / 1024) * seconds * AWS_PRICES.lambdaGbSecondArm + AWS_PRICES.lambdaRequest;
  const lines: CloudLine[] = [];

  // Script: one Groq call.
  const scriptSeconds = a.groq.firstTokenSeconds + a.groq.outputTokens / a.groq.tokensPerSecond;
  const scriptUsd = (a.groq.inputTokens * GROQ_USD_PER_MILLION.input + a.groq.outputTokens * GROQ_USD_PER_MILLION.output) / 1e6;
  lines.push({ what: 'script (Groq)', seconds: scriptSeconds, usd: scriptUsd, note: `${a.groq.inputTokens} tokens in, ${a.groq.outputTokens} out at ${a.groq.tokensPerSecond}/s` });

  // Pictures and voice run side by side; the slower branch counts.
  const mapConcurrency = 4;
  const imageWaves = Math.ceil(a.scenes / mapConcurrency);
  const imagesSeconds = imageWaves * (a.imageSeconds + a.stepOverheadSeconds);
  const imagesUsd = a.scenes * REPLICATE_USD_PER_IMAGE;
  lines.push({ what: 'pictures (Replicate)', seconds: imagesSeconds, usd: imagesUsd, note: `${a.scenes} × $${REPLICATE_USD_PER_IMAGE}, ${mapConcurrency} at a time` });
  const characters = a.videoSeconds * a.charactersPerSecond;
  const segments = a.scenes + 1;
  const voiceSeconds = Math.ceil(segments / a.voiceConcurrency) * (a.voiceRequestSeconds + (a.voiceSecondsPerSpeechSecond * a.videoSeconds) / segments);
  const voiceUsd = characters * elevenLabsUsdPerCharacter(DEFAULT_ELEVENLABS_MODEL_ID);
  lines.push({ what: 'voice (ElevenLabs)', seconds: voiceSeconds, usd: voiceUsd, note: `${characters} characters in ${segments} segments, ${a.voiceConcurrency} at a time` });

  // Render: Remotion Lambda as the stack deploys it.
  const frames = a.videoSeconds * FPS;
  const framesPerLambda = remotionFramesPerLambda(frames);
  const renderFunctions = Math.ceil(frames / framesPerLambda);
  const vcpus = lambdaVcpus(REMOTION_MEMORY_MB);
  const chunkSeconds = a.renderColdStartSeconds + (framesPerLambda * a.coreSecondsPerFrame) / Math.min(vcpus, 1);
  const stitchSeconds = (a.stitchSecondsPerMinute * a.videoSeconds) / 60;
  const renderSeconds = chunkSeconds + stitchSeconds;
  // The state machine sees the end at its next poll: half a poll late on average.
  const renderSeenSeconds = renderSeconds + pollSeconds / 2;
  const renderUsd = renderFunctions * gbSeconds(REMOTION_MEMORY_MB, chunkSeconds) + gbSeconds(REMOTION_MEMORY_MB, renderSeconds + a.renderColdStartSeconds);
  lines.push({
    what: 'render (Remotion Lambda)',
    seconds: renderSeenSeconds,
    usd: renderUsd,
    note: `${frames} frames, ${framesPerLambda} per function: ${renderFunctions} functions at ${REMOTION_MEMORY_MB} MB (${vcpus.toFixed(2)} vCPU) + 1 main; polled every ${pollSeconds} s`,
  });

  // Orchestration: the steps' own Lambdas, Step Functions transitions, the queue and the tables.
  const polls = Math.ceil(renderSeenSeconds / pollSeconds);
  const tasks = 4 + a.scenes + 1 + 2 + 1; // script, parse, captions, duration; images; voice; start render, finalize; parallel/map entry
  const transitions = tasks + 6 + polls * 3; // + choice/succeed/parallel/map states + per poll: wait, check, choice
  const stepsUsd =
    gbSeconds(memory.GenerateScript ?? 512, scriptSeconds + 0.2) +
    a.scenes * gbSeconds(memory.GenerateImage ?? 1024, a.imageSeconds + 0.3) +
    gbSeconds(memory.GenerateVoice ?? 1024, voiceSeconds + 0.3) +
    6 * gbSeconds(256, 0.2) +
    polls * gbSeconds(memory.CheckRender ?? 256, 0.15);
  const orchestrationUsd =
    transitions * AWS_PRICES.stepFunctionsTransition +
    stepsUsd +
    4 * AWS_PRICES.sqsRequest +
    (30 + polls) * AWS_PRICES.dynamoWrite +
    20 * AWS_PRICES.dynamoRead +
    (a.scenes + 6) * AWS_PRICES.s3Put +
    (a.scenes + 4) * AWS_PRICES.s3Get;
  const overheadSeconds = a.admissionSeconds + 8 * a.stepOverheadSeconds;
  lines.push({
    what: 'orchestration (Step Functions, Lambda steps, SQS, DynamoDB, S3)',
    seconds: overheadSeconds,
    usd: orchestrationUsd,
    note: `${transitions} state transitions, ${polls} render polls, ${8} step hand-offs at ~${a.stepOverheadSeconds} s`,
  });

  const seconds = overheadSeconds + scriptSeconds + Math.max(imagesSeconds, voiceSeconds) + renderSeenSeconds;
  const usd = lines.reduce((sum, line) => sum + line.usd, 0);
  return { assumptions: a, frames, framesPerLambda, renderFunctions, transitions, seconds, usd, lines };
}

/** The model as lines for the bench's output. */
export function describeCloudModel(model: CloudModel): string[] {
  const a = model.assumptions;
  return [
    `cloud model: a ${a.videoSeconds} s short of ${a.scenes} scenes on AWS as the stack deploys it (not measured in AWS):`,
    ...model.lines.map((l) => `  ${l.what.padEnd(62)} ${l.seconds !== undefined ? `${l.seconds.toFixed(1).padStart(5)} s` : '       '}  $${l.usd.toFixed(4)}  ${l.note}`),
    `  ${'end to end (pictures and voice side by side)'.padEnd(62)} ${model.seconds.toFixed(1).padStart(5)} s  $${model.usd.toFixed(4)} a video`,
    '  assumptions:',
    `    Groq ${a.groq.tokensPerSecond} tokens/s, first token ${a.groq.firstTokenSeconds} s; Replicate ${a.imageSeconds} s a picture; ElevenLabs ${a.voiceSecondsPerSpeechSecond} s per speech second + ${a.voiceRequestSeconds} s a request`,
    `    Chromium ${a.coreSecondsPerFrame} CPU-s a 1080×1920 frame; render function cold start ${a.renderColdStartSeconds} s; stitching ${a.stitchSecondsPerMinute} s a minute`,
    `    ${a.stepOverheadSeconds} s a step hand-off, ${a.admissionSeconds} s admission; us-east-1 arm64 list prices; no free tier`,
  ];
}
