/**
 * The props of the live preview on the Create and Brand pages: the studio's sample video
 * (frontend/remotion/default-props.ts) redrawn with the choices being made — shape, caption look,
 * place and size, a sample sentence in the chosen language, the brand kit — so the Player shows
 * what the render will draw with them before anything is ordered.
 */
import { LANGUAGE_INFO, baseLanguage, type Language } from '../../../lambdas/core/languages.js';
import { FRAME_SIZES, type Aspect, type CaptionPosition, type CaptionSize, type CaptionStyle } from '../../../lambdas/core/model.js';
import type { BrandProps, CaptionPage, ShortVideoProps } from '../../../lambdas/core/video-props.js';
import { DEFAULT_PROPS } from '../../remotion/default-props.js';

/** A title and a sentence per language, shown as the preview's title pill and captions. */
export const SAMPLE_TEXT: Record<Language, { title: string; sentence: string }> = {
  en: { title: 'Your story, in seconds', sentence: 'Every short starts with one idea and ends with a story worth watching' },
  es: { title: 'Tu historia, en segundos', sentence: 'Cada video corto empieza con una idea y termina con una historia' },
  pt: { title: 'Sua história, em segundos', sentence: 'Cada vídeo curto começa com uma ideia e termina com uma história' },
  fr: { title: 'Votre histoire, en secondes', sentence: 'Chaque vidéo courte commence par une idée et finit par une histoire' },
  de: { title: 'Deine Geschichte, in Sekunden', sentence: 'Jedes kurze Video beginnt mit einer Idee und endet mit einer Geschichte' },
  it: { title: 'La tua storia, in pochi secondi', sentence: "Ogni video breve inizia con un'idea e finisce con una storia" },
  nl: { title: 'Jouw verhaal, in seconden', sentence: 'Elke korte video begint met een idee en eindigt met een verhaal' },
  pl: { title: 'Twoja historia w kilka sekund', sentence: 'Każdy krótki film zaczyna się od pomysłu i kończy się historią' },
  tr: { title: 'Hikâyen, saniyeler içinde', sentence: 'Her kısa video bir fikirle başlar ve bir hikâyeyle biter' },
  ru: { title: 'Ваша история за секунды', sentence: 'Каждое короткое видео начинается с идеи и заканчивается историей' },
  uk: { title: 'Ваша історія за секунди', sentence: 'Кожне коротке відео починається з ідеї і закінчується історією' },
  ar: { title: 'قصتك في ثوانٍ', sentence: 'كل فيديو قصير يبدأ بفكرة وينتهي بقصة تستحق المشاهدة' },
  hi: { title: 'आपकी कहानी, कुछ ही सेकंड में', sentence: 'हर छोटा वीडियो एक विचार से शुरू होता है और एक कहानी पर खत्म होता है' },
  bn: { title: 'আপনার গল্প, কয়েক সেকেন্ডে', sentence: 'প্রতিটি ছোট ভিডিও একটি ভাবনা দিয়ে শুরু হয় আর একটি গল্পে শেষ হয়' },
  id: { title: 'Ceritamu, dalam hitungan detik', sentence: 'Setiap video pendek dimulai dengan ide dan diakhiri dengan cerita' },
  vi: { title: 'Câu chuyện của bạn, trong vài giây', sentence: 'Mỗi video ngắn bắt đầu bằng một ý tưởng và kết thúc bằng một câu chuyện' },
  th: { title: 'เรื่องราวของคุณในไม่กี่วินาที', sentence: 'วิดีโอสั้นทุกเรื่องเริ่มจากไอเดียและจบด้วยเรื่องราวที่น่าดู' },
  ja: { title: 'あなたの物語を数秒で', sentence: 'どの短い動画もひとつのアイデアから始まり物語で終わります' },
  ko: { title: '당신의 이야기를 몇 초 만에', sentence: '모든 짧은 영상은 하나의 아이디어로 시작해 이야기로 끝납니다' },
  zh: { title: '几秒钟讲好你的故事', sentence: '每个短视频都从一个想法开始，以一个值得观看的故事结束' },
};

/** Tokens per caption page: about what the real pages hold (fewer for scripts without spaces, whose tokens are short words). */
const PAGE_TOKENS = 4;

/**
 * A sentence as caption tokens the way Build Captions makes them: words split at spaces (each
 * after the first keeps its leading space), or, in a script without spaces, words from
 * Intl.Segmenter with punctuation kept on the word before it.
 */
export function sampleTokens(sentence: string, language: Language): string[] {
  if (LANGUAGE_INFO[language].spaces) return sentence.split(/\s+/).filter(Boolean).map((w, i) => (i ? ` ${w}` : w));
  const tokens: string[] = [];
  for (const { segment, isWordLike } of new Intl.Segmenter(language, { granularity: 'word' }).segment(sentence)) {
    if (isWordLike || tokens.length === 0) tokens.push(segment);
    else tokens[tokens.length - 1] += segment;
  }
  return tokens;
}

/** The sample's caption pages over `durationMs`, each token spoken for the same time. */
export function sampleCaptions(language: Language, durationMs: number): CaptionPage[] {
  const tokens = sampleTokens(SAMPLE_TEXT[language].sentence, language);
  const spaces = LANGUAGE_INFO[language].spaces;
  const perToken = durationMs / tokens.length;
  const pages: CaptionPage[] = [];
  for (let start = 0; start < tokens.length; start += PAGE_TOKENS) {
    const page = tokens.slice(start, start + PAGE_TOKENS).map((text, i) => {
      const fromMs = Math.round((start + i) * perToken);
      // A page starts a new line: its first word carries no leading space.
      return { text: i === 0 && spaces ? text.trimStart() : text, fromMs, toMs: Math.round((start + i + 1) * perToken) };
    });
    pages.push({ startMs: page[0]!.fromMs, endMs: page[page.length - 1]!.toMs, tokens: page });
  }
  return pages;
}

export interface PreviewChoice {
  aspect: Aspect;
  captionStyle: CaptionStyle;
  captionPosition?: CaptionPosition | undefined;
  captionSize?: CaptionSize | undefined;
  /** A BCP 47 tag (`pt-BR`) or a primary language. */
  language: string;
  brand?: BrandProps | undefined;
}

/** The preview's props for these choices: the sample scenes, reframed, with the language's sample captions. */
export function previewProps(choice: PreviewChoice): ShortVideoProps {
  const language = baseLanguage(choice.language);
  const { width, height } = FRAME_SIZES[choice.aspect];
  const durationMs = (DEFAULT_PROPS.durationInFrames / DEFAULT_PROPS.fps) * 1000;
  return {
    ...DEFAULT_PROPS,
    width,
    height,
    title: SAMPLE_TEXT[language].title,
    captions: sampleCaptions(language, durationMs),
    captionStyle: choice.captionStyle,
    language: choice.language,
    ...(choice.captionPosition ? { captionPosition: choice.captionPosition } : {}),
    ...(choice.captionSize ? { captionSize: choice.captionSize } : {}),
    ...(choice.brand ? { brand: choice.brand } : {}),
  };
}
