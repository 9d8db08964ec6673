import { FPS } from '../../lambdas/core/model.js';
import type { ShortVideoProps } from '../../lambdas/core/video-props.js';

/** A gradient picture as an inline SVG, so the studio preview needs no files or network. */
function gradient(from: string, to: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1920"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs><rect width="1080" height="1920" fill="url(#g)"/><circle cx="540" cy="760" r="260" fill="white" fill-opacity="0.18"/></svg>`;
  return `data:image/svg+xml;base64,${btoa(svg)}`;
}

/** A silent mono 8 kHz WAV as a data URL. */
function silence(seconds: number): string {
  const rate = 8000;
  const samples = Math.round(seconds * rate);
  const bytes = new Uint8Array(44 + samples).fill(128, 44);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  ascii(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  ascii(36, 'data');
  view.setUint32(40, samples, true);
  let binary = '';
  bytes.forEach((b) => (binary += String.fromCharCode(b)));
  return `data:audio/wav;base64,${btoa(binary)}`;
}

const words = 'Every short starts with a single prompt and ends with a story worth watching'.split(' ');

/** Props for the studio and for a composition opened without input: three scenes, six seconds. */
export const DEFAULT_PROPS: ShortVideoProps = {
  title: 'Your story, in sixty seconds',
  width: 1080,
  height: 1920,
  fps: FPS,
  durationInFrames: 6 * FPS,
  crossfadeFrames: 12,
  scenes: [
    { imageUrl: gradient('#1e3a8a', '#9333ea'), startFrame: 0, durationInFrames: 2 * FPS + 12 },
    { imageUrl: gradient('#0f766e', '#facc15'), startFrame: 2 * FPS, durationInFrames: 2 * FPS + 12 },
    { imageUrl: gradient('#b91c1c', '#f97316'), startFrame: 4 * FPS, durationInFrames: 2 * FPS },
  ],
  audioUrl: silence(6),
  captions: [0, 1, 2].map((p) => {
    const pageWords = words.slice(p * 5, p * 5 + 5);
    const startMs = p * 2000;
    return {
      startMs,
      endMs: startMs + 2000,
      tokens: pageWords.map((text, i) => ({ text: (i ? ' ' : '') + text, fromMs: startMs + i * 400, toMs: startMs + (i + 1) * 400 })),
    };
  }),
  captionStyle: 'bold',
};
