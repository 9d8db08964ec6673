import { createHash } from 'node:crypto';
import type { Script, VideoRequest } from '../../core/model.js';
import type { ScriptWriter, Spend } from '../../core/ports.js';
import { mulberry32 } from './seeded-random.js';
import { baseLanguage, type Language } from '../../core/languages.js';
import { SPEAKING_RATES, spokenLetters, spokenWords, stripInvisible } from '../../core/speech-text.js';
import { LANGUAGE_TEMPLATES } from './template-languages.js';

/**
 * The offline script writer: builds a short's script from sentence templates, with no network
 * and no model. The same request always gives the same bytes; the prompt's hash picks the
 * templates, so different prompts read differently. Its length follows the requested seconds
 * at the offline voice's pace.
 */
export class TemplateScriptWriter implements ScriptWriter {
  readonly name = 'offline';

  async write(request: VideoRequest): Promise<{ raw: string; spend: Spend; notes?: string[] }> {
    // Jobs stored before languages existed have no request.language: English.
    const language = baseLanguage(request.language);
    if (language !== 'en') {
      const { script, notes } = writeLanguageScript(request.prompt, request.seconds, language, request.voiceSpeed);
      return { raw: JSON.stringify(script), spend: { units: {}, usd: 0 }, ...(notes.length > 0 ? { notes } : {}) };
    }
    const script = writeTemplateScript(request.prompt, request.seconds, request.voiceSpeed);
    return { raw: JSON.stringify(script), spend: { units: {}, usd: 0 } };
  }
}

/** Words per second the offline voice speaks (eSpeak NG at ~165 wpm with pauses). */
export const OFFLINE_WORDS_PER_SECOND = 2.6;

/** How many scenes a video of this length gets: about one per 6–7 s, 4 to 8. */
export function sceneCountFor(seconds: number): number {
  return clamp(Math.round(seconds / 6.5), 4, 8);
}

/** Spoken words in a text: whitespace-separated tokens with a letter or digit in them. */
export function countSpokenWords(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** The topic of a prompt, in forms the templates can use. */
export interface Topic {
  /** A clean phrase that fits after "about": "why octopuses have three hearts", "the history of coffee". */
  phrase: string;
  /** 'clause' when the phrase is an embedded question (why/how/what/whether …), else 'noun'. */
  kind: 'clause' | 'noun';
  /** Who or what the topic is about, when it can be told reliably ("octopuses"); else undefined. */
  subject?: string;
  /** Short content-word phrases to show in pictures ("octopuses", "three hearts"). Never empty. */
  keywords: string[];
}

const FALLBACK_TOPIC = 'the power of curiosity';

/**
 * Pulls a clean topic phrase out of a free-form prompt: drops "make a video about", polite
 * words, emoji, platform and length asides, prompt-injection clauses and trailing
 * punctuation, and turns a question into an embedded one ("why do X have Y?" → "why X have Y").
 */
export function extractTopic(prompt: string): Topic {
  let text = prompt
    .normalize('NFKC')
    .replace(/https?:\/\/\S+/gi, ' ')
    .replace(/[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\u200d\ufe0f\u20e3]/gu, ' ')
    .replace(/[#@](?=\p{L})/gu, '')
    .replace(/[“”"«»„`*_~<>{}[\]|\\]/g, ' ')
    .replace(/[‘’]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  const letters = text.match(/\p{L}/gu) ?? [];
  const upper = text.match(/\p{Lu}/gu) ?? [];
  if (letters.length >= 4 && upper.length / letters.length > 0.7) text = text.toLowerCase();

  let phrase = '';
  for (const clause of clausesOf(text)) {
    const candidate = cleanClause(clause);
    if (candidate && CONTENT_WORD.test(candidate)) {
      phrase = candidate;
      break;
    }
  }
  if (!phrase) phrase = FALLBACK_TOPIC;

  const shaped = reshapeQuestion(phrase);
  phrase = capChars(capWords(shaped.phrase, 12), 90);
  if (!CONTENT_WORD.test(phrase)) phrase = FALLBACK_TOPIC;
  const kind: Topic['kind'] = /^(why|how|what|when|where|who|which|whose|whether)\b/i.test(phrase) ? 'clause' : 'noun';
  let subject = shaped.subject;
  if (!subject && kind === 'noun' && wordsOf(phrase).length <= 5) subject = phrase;
  if (subject && (wordsOf(subject).length > 5 || !CONTENT_WORD.test(subject))) subject = undefined;
  return { phrase, kind, subject, keywords: keywordsOf(phrase) };
}

/**
 * Writes a whole script for a prompt and a length in seconds. Pure and deterministic: a hash of
 * the normalized prompt seeds every choice.
 */
export function writeTemplateScript(prompt: string, seconds: number, speed = 1): Script {
  const normalized = prompt.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  const random = mulberry32(createHash('sha256').update(normalized).digest().readUInt32BE(0));
  const topic = extractTopic(prompt);
  const fill = filler(topic, seconds);

  const target = Math.round(seconds * OFFLINE_WORDS_PER_SECOND * speed);
  const sceneCount = sceneCountFor(seconds);
  const roles = pickRoles(sceneCount, random);

  const hook = pickHook(fill, target, random);
  const remaining = target - countSpokenWords(hook);
  const weights = roles.map((r) => (r === 'cta' ? 0.7 : r === 'intro' ? 1 : 1.1));
  const weightSum = weights.reduce((a, b) => a + b, 0);

  const keyOrder = topic.keywords;
  const scenes: Array<{ role: Role; sentences: string[]; spare: string[] }> = [];
  let carry = 0;
  roles.forEach((role, i) => {
    const budget = (remaining * (weights[i] ?? 1)) / weightSum + carry;
    const built = buildScene(role, budget, fill, random);
    carry = budget - countSpokenWords(built.sentences.join(' '));
    scenes.push({ role, ...built });
  });
  balance(scenes, target - countSpokenWords(hook));

  const style = pick(STYLES, random);
  return {
    title: makeTitle(topic, seconds, random),
    hook,
    style,
    scenes: scenes.map((scene, i) => ({
      narration: scene.sentences.join(' '),
      imagePrompt: imagePromptFor(scene.role, keyOrder[i % keyOrder.length] ?? topic.phrase, topic, random),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Templates. Placeholders: {topic} the phrase; {about} "about X" or the embedded question;
// {subject} who or what it is about (only when known); {seconds}.
// A template is used at most once per script; one that lacks a value is skipped.

type Role = 'intro' | 'context' | 'how' | 'detail' | 'myth' | 'example' | 'why' | 'takeaway' | 'cta';

/** The order middle scenes appear in when chosen; 'detail' is always one of them. */
const MIDDLE_ROLES: Role[] = ['context', 'how', 'detail', 'myth', 'example', 'why', 'takeaway'];

const HOOKS = [
  'Ever wondered {about}?',
  "Here's {topic}, in {seconds} seconds.",
  'This one surprises almost everyone: {topic}.',
  "Let's settle it once and for all: {topic}.",
  'Nobody ever explained {topic} to me properly, so here it is.',
  'Quick question: how much do you really know about {topic}?',
  'Give me {seconds} seconds and you will never think about {topic} the same way.',
  "There's a better story behind {topic} than you'd guess.",
  'Stop scrolling for a moment and think about {topic}.',
  'You have probably never looked closely at {subject}. Let us fix that.',
];

const LEADS: Record<Role, string[]> = {
  intro: [
    "Today we're looking at {topic}.",
    "Let's break down {topic}, one step at a time.",
    "In the next {seconds} seconds, you'll learn {about}.",
    "Here's the short version of {topic}, with no jargon.",
    "Let's talk about {subject}.",
    "Let's start at the beginning.",
    'It sounds simple, but there is more going on than you might think.',
    "We'll go from the basics to the surprising part, fast.",
  ],
  context: [
    'First, some context.',
    'It helps to start with the basics.',
    'Start with what we already know for sure.',
    'The background matters more than you would think.',
    'To understand {subject}, start with the bigger picture.',
  ],
  how: [
    'So how does it actually work?',
    "Here's the mechanism, step by step.",
    'Picture it as a chain of small steps.',
    'Zoom in on {subject} and a pattern appears.',
  ],
  detail: [
    "Now here's the surprising part.",
    'This is where it gets interesting.',
    'Here is the twist most people never hear about.',
    'And this is the detail that changes everything.',
  ],
  myth: [
    "Let's clear up a common myth.",
    'A lot of people believe the opposite.',
    "You've probably heard a version of this that isn't quite right.",
  ],
  example: [
    'Think of a busy kitchen at dinner time.',
    'Imagine a relay team passing the baton.',
    'Picture a city at rush hour.',
    'Think of an orchestra warming up before a show.',
  ],
  why: ['Why does this matter?', 'So why should you care?', "This isn't just trivia."],
  takeaway: ["So here's the takeaway.", 'Put it all together and the picture gets clear.', 'The big lesson is simple.'],
  cta: ['Did that surprise you?', 'Now you know.', "That's {topic}, in {seconds} seconds.", "And that's the short version."],
};

const MORES: Record<Role, string[]> = {
  intro: [
    'Here is the quick version.',
    'It is simpler than it looks.',
    'It sounds like a simple question, but the answer takes a few surprising turns.',
    'Stick around, because the best part comes near the end.',
    'By the end, it will seem almost obvious.',
  ],
  context: [
    'It starts with something familiar.',
    "Most explanations skip this part, but it's the key to everything that follows.",
    'Long before anyone asked the question, the pieces were already in place.',
    'Think of it as the foundation: simple, easy to miss, and holding everything up.',
    'Once you see the starting point, the rest starts to click.',
    'Keep your eye on {subject}, because that is where the story begins.',
  ],
  how: [
    'Each step builds on the last.',
    'One thing leads to another, and each step sets up the next.',
    'No single part does the heavy lifting; it is the combination that matters.',
    'Small causes stack up until the result becomes impossible to ignore.',
    "It's less like a switch and more like a dial that turns slowly over time.",
    'With {subject}, the details line up in a surprisingly neat way.',
  ],
  detail: [
    'Almost nobody expects it.',
    'The real answer is less about luck and more about trade-offs.',
    'What looks like a quirk turns out to be a clever solution.',
    "It's the kind of fact that sounds made up until you look closer.",
    'The simplest explanation turns out to be only half the story.',
    'People who study {subject} still find this part remarkable.',
  ],
  myth: [
    'The truth is more interesting.',
    'The popular explanation is tidy, but reality is messier and far more interesting.',
    "The myth sticks around because it's easy to repeat, not because it's true.",
    'Once you know the real story, the myth stops making sense.',
  ],
  example: [
    'You have seen this pattern before.',
    'Every part has its own job, and timing is everything.',
    'No single piece does it alone, yet the whole thing flows.',
    'Each part hands off to the next, and together they go much further.',
    'You can see the same principle far beyond {subject}.',
  ],
  why: [
    'It connects to everyday life.',
    'It shows how small details can shape the bigger picture.',
    "The same idea shows up in places you'd never expect.",
    'Understanding it makes a lot of other things suddenly make sense.',
    'It changes how you see {subject}.',
  ],
  takeaway: [
    'Small details add up to big results.',
    'When it comes to {topic}, the answer is rarely just one thing.',
    "Next time someone mentions {subject}, you'll know the story behind it.",
    'The best answers lead to even better questions.',
    "It's a reminder that clever solutions often hide in plain sight.",
  ],
  cta: [
    'Follow for more.',
    'Follow for more quick answers to big questions.',
    'Tell us in the comments what we should explain next.',
    'Share this with someone who would love to know.',
    'Save it for later, and follow for the next one.',
    'What else do you want to know about {subject}?',
  ],
};

/** What each kind of scene shows; the scene's keyword leads the prompt. */
const LOOKS: Record<Role, string[]> = {
  intro: [
    'a bold establishing shot, the subject large in the centre against an open sky',
    'a wide cinematic opening view, the subject centred on the horizon',
  ],
  context: [
    'a calm middle-distance view of the subject in its natural setting',
    'a quiet panorama that shows where the subject comes from',
  ],
  how: [
    'a clean cutaway view showing how the parts fit together',
    'a sequence of shapes flowing from left to right, like steps in a process',
  ],
  detail: [
    'an extreme close-up revealing fine texture and one surprising detail',
    'a magnified view with dramatic rim light on the key detail',
  ],
  myth: [
    'two contrasting versions side by side, one fading into mist',
    'a familiar picture seen from an unexpected angle',
  ],
  example: [
    'an everyday moment where the subject shows up in ordinary life',
    'a familiar street or kitchen scene with the subject in plain sight',
  ],
  why: [
    'a sweeping wide view connecting the subject to the wider world',
    'the subject small against a vast landscape, showing its scale',
  ],
  takeaway: [
    'a quiet, symbolic image of the subject, uncluttered and centred',
    'the subject resting in soft light, calm and memorable',
  ],
  cta: [
    'the subject glowing at the centre of the frame under a hopeful sky',
    'a bright, open horizon with the subject in the middle, inviting',
  ],
};

/** Visual-style clauses shared by every scene of a video; the image generator reads their words. */
export const STYLES = [
  'soft watercolor, warm dusk light',
  'bold flat illustration, vivid sunset palette',
  'dreamy pastel gradients, morning haze',
  'neon synthwave glow, deep night sky',
  'cinematic golden hour, gentle film grain',
  'cool moonlit blues, misty layers',
  'paper-cut layers, earthy autumn tones',
  'minimal flat design, fresh spring colors',
  'deep ocean teal, glowing bioluminescent accents',
  'retro travel poster, sun-faded warm colors',
] as const;

// ---------------------------------------------------------------------------------------------
// Assembly

/** Template values, and how often the topic has been named so far (it should not be said in every line). */
interface Fill {
  values: Record<string, string | undefined>;
  mentions: number;
  usedSeconds: boolean;
}

const MAX_TOPIC_MENTIONS = 3;

interface Candidate {
  template: string;
  text: string;
}

function filler(topic: Topic, seconds: number): Fill {
  return {
    values: {
      topic: topic.phrase,
      about: topic.kind === 'clause' ? topic.phrase : `about ${topic.phrase}`,
      subject: topic.subject,
      seconds: String(seconds),
    },
    mentions: 0,
    usedSeconds: false,
  };
}

const NAMES_TOPIC = /\{(topic|about|subject)\}/;

/** Fills a template, or returns undefined when it needs a value this topic lacks. */
function render(template: string, fill: Fill): string | undefined {
  let missing = false;
  const out = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = fill.values[name];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : capitalizeFirst(out);
}

function candidates(templates: readonly string[], fill: Fill, random: () => number): Candidate[] {
  return shuffle([...templates], random).flatMap((template) => {
    const text = render(template, fill);
    return text === undefined ? [] : [{ template, text }];
  });
}

/** Whether a template may still be used: the topic is named a few times at most, the length once. */
function allowed(c: Candidate, fill: Fill): boolean {
  if (NAMES_TOPIC.test(c.template) && fill.mentions >= MAX_TOPIC_MENTIONS) return false;
  return !(c.template.includes('{seconds}') && fill.usedSeconds);
}

function use(c: Candidate, fill: Fill): string {
  if (NAMES_TOPIC.test(c.template)) fill.mentions += 1;
  if (c.template.includes('{seconds}')) fill.usedSeconds = true;
  return c.text;
}

function pickHook(fill: Fill, target: number, random: () => number): string {
  const hooks = candidates(HOOKS, fill, random);
  const cap = Math.max(9, Math.round(target * 0.2));
  return use(hooks.find((h) => words(h) <= cap) ?? shortestOf(hooks), fill);
}

function pickRoles(count: number, random: () => number): Role[] {
  const others = shuffle(
    MIDDLE_ROLES.filter((r) => r !== 'detail'),
    random,
  ).slice(0, count - 3);
  const middle = MIDDLE_ROLES.filter((r) => r === 'detail' || others.includes(r));
  return ['intro', ...middle, 'cta'];
}

/** One lead sentence, then up to two more, picked to land near the word budget. */
function buildScene(role: Role, budget: number, fill: Fill, random: () => number) {
  const leads = candidates(LEADS[role], fill, random);
  // The first scene names the topic when the hook did not.
  const mustName = role === 'intro' && fill.mentions === 0;
  const fitting = leads.filter((c) => allowed(c, fill) && (!mustName || NAMES_TOPIC.test(c.template)));
  const lead = fitting.find((c) => words(c) <= Math.max(4, budget * 0.6)) ?? shortestOf(fitting.length > 0 ? fitting : leads);
  const sentences = [use(lead, fill)];
  let count = words(lead);
  const mores = candidates(MORES[role], fill, random);
  while (sentences.length < 3) {
    const open = mores.filter((c) => allowed(c, fill));
    if (open.length === 0) break;
    const error = Math.abs(budget - count);
    const next = open.find((c) => Math.abs(budget - count - words(c)) <= 3) ?? open[bestFit(open, budget - count)]!;
    if (Math.abs(budget - count - words(next)) >= error) break;
    sentences.push(use(next, fill));
    count += words(next);
    mores.splice(mores.indexOf(next), 1);
  }
  // Unused follow-ups (not questions, not naming the topic again) can serve the balancing pass.
  const spare = mores.filter((c) => !NAMES_TOPIC.test(c.template) && !c.template.includes('{seconds}')).map((c) => c.text);
  return { sentences, spare };
}

/**
 * Nudges the script toward the target length by adding, dropping or swapping follow-up sentences,
 * taking whichever single move helps most, until none does.
 */
function balance(scenes: Array<{ sentences: string[]; spare: string[] }>, target: number): void {
  const total = () => scenes.reduce((n, s) => n + countSpokenWords(s.sentences.join(' ')), 0);
  for (let guard = 0; guard < 32; guard++) {
    const diff = target - total();
    if (Math.abs(diff) <= Math.max(1, target * 0.03)) return;
    let best: { gain: number; apply: () => void } | undefined;
    const consider = (delta: number, apply: () => void) => {
      const gain = Math.abs(diff) - Math.abs(diff - delta);
      if (gain > 0 && (!best || gain > best.gain)) best = { gain, apply };
    };
    for (const scene of scenes) {
      const extras = scene.sentences.slice(1);
      scene.spare.forEach((spare, j) => {
        if (scene.sentences.length < 3) {
          consider(countSpokenWords(spare), () => {
            scene.sentences.push(spare);
            scene.spare.splice(j, 1);
          });
        }
        extras.forEach((extra, k) => {
          consider(countSpokenWords(spare) - countSpokenWords(extra), () => {
            scene.sentences[k + 1] = spare;
            scene.spare[j] = extra;
          });
        });
      });
      extras.forEach((extra, k) => {
        consider(-countSpokenWords(extra), () => {
          scene.sentences.splice(k + 1, 1);
          scene.spare.push(extra);
        });
      });
    }
    if (!best) return;
    best.apply();
  }
}

function makeTitle(topic: Topic, seconds: number, random: () => number): string {
  const phrase = topic.phrase;
  const patterns = [
    phrase,
    `${phrase}, explained`,
    `${phrase} in ${seconds} seconds`,
    topic.subject && topic.kind === 'noun' ? `the truth about ${topic.subject}` : phrase,
    topic.subject ? `what nobody tells you about ${topic.subject}` : `${phrase}: the short version`,
  ];
  const chosen = titleCase(pick(patterns, random));
  if (chosen.length <= 60) return chosen;
  const main = titleCase(phrase);
  if (main.length <= 60) return main;
  let cut = '';
  for (const word of main.split(' ')) {
    if (`${cut} ${word}`.trim().length > 60) break;
    cut = `${cut} ${word}`.trim();
  }
  return trimDangling(cut) || main.slice(0, 60).trim();
}

function imagePromptFor(role: Role, keyword: string, topic: Topic, random: () => number): string {
  const look = pick(LOOKS[role], random);
  return `${capitalizeFirst(keyword)}: ${look}, for a short video about ${topic.phrase}. No text or lettering.`;
}

// ---------------------------------------------------------------------------------------------
// Topic extraction helpers

const CONTENT_WORD = /[\p{L}\p{N}]{2,}/u;
const DETERMINERS = new Set(['a', 'an', 'the', 'my', 'your', 'our', 'their', 'his', 'her', 'its', 'this', 'that', 'these', 'those', 'some', 'every', 'each', 'all', 'most', 'many']);
const PREPOSITIONS = new Set(['in', 'on', 'at', 'during', 'of', 'for', 'with', 'from', 'to', 'after', 'before', 'into', 'over', 'under', 'than', 'about', 'by', 'without', 'through', 'when', 'if', 'and', 'or', 'but', 'because', 'while', 'like']);
/** Words a cut-short phrase must not end on. */
const DANGLING = new Set([...DETERMINERS, ...PREPOSITIONS, 'who', 'which', 'that', 'whose', 'where', 'so', 'nor']);
const STOPWORDS = new Set([
  ...DETERMINERS, ...PREPOSITIONS,
  'why', 'how', 'what', 'when', 'where', 'who', 'which', 'whose', 'whether', 'is', 'are', 'was', 'were', 'be', 'been', 'being',
  'do', 'does', 'did', 'have', 'has', 'had', 'can', 'could', 'will', 'would', 'should', 'may', 'might', 'must', 'shall',
  'i', 'you', 'we', 'they', 'he', 'she', 'it', 'me', 'us', 'them', 'one', 'there', 'here', 'so', 'not', 'no', 'just', 'really',
  'actually', 'very', 'much', 'more', 'thing', 'things', 'stuff', 'get', 'gets', 'got', 'make', 'makes', 'made', 'such', 'as',
  'up', 'out', 'off', 'then', 'also', 'only', 'even', 'own', 'same', 'other', 'any', 'few', 'too', 'it\'s', 'isn\'t', 'don\'t',
  'doesn\'t', 'can\'t', 'aren\'t', 'power', 'question', 'to', 'down', 'away', 'back', 'around', 'ourselves', 'yourself',
  'yourselves', 'themselves', 'itself', 'himself', 'herself', 'myself', 'his', 'her', 'its', 'our', 'their', 'your', 'my',
  'story', 'video', 'facts', 'fact', 'like', 'ever', 'never', 'always', 'often', 'still', 'why', 'whether',
]);
const PROFANITY = /\b(fuck\w*|shit\w*|bitch\w*|cunt\w*|asshole\w*|bastard\w*|dick|dicks|piss\w*|cock|cocks|motherf\w*|wank\w*|twat\w*|slut\w*|whore\w*)\b/gi;

/** Base-form verbs, used to find where a question's subject ends. */
const VERBS = new Set(
  ('be have do go come get make take see know think say tell find give use work form affect grow fly change stay keep sleep live ' +
    'happen cause help need mean matter feel breathe survive move float sink shine glow turn become start end die eat drink build ' +
    'hunt communicate navigate produce create store remember learn travel spread stick hold protect power run cost sound look ' +
    'smell taste hear choose decide dream lay migrate hibernate swim walk talk sing dance fall rise burn freeze melt boil explode ' +
    'evolve adapt disappear appear exist last win lose fight play pay buy sell save spend invest earn grow hide change reach ' +
    'travel orbit spin rotate attract repel absorb reflect bend break heal hurt itch yawn sneeze hiccup blink sweat shiver age ' +
    'stand sit lie fit fill feed carry lead follow leave let put set show try call ask answer begin bring catch cry read write ' +
    'speak understand recognize remember forget love hate like prefer purr bark meow roar howl glide land sting bite bloom ' +
    'photosynthesize pollinate crash fail succeed collapse erupt shake flow drift vanish count measure predict control matter ' +
    'contain include require depend rely share see stop plan drop ship tickle bake cook brew')
    .split(/\s+/),
);

const PARTICIPLES = new Set(['made', 'called', 'used', 'known', 'born', 'built', 'found', 'lost', 'gone', 'been', 'done', 'seen', 'taken', 'given', 'grown', 'begun', 'left', 'kept', 'become', 'formed', 'created', 'invented', 'discovered', 'named', 'based']);

const IRREGULAR_PAST: Record<string, string> = {
  be: 'was', have: 'had', do: 'did', go: 'went', make: 'made', build: 'built', get: 'got', take: 'took', come: 'came',
  see: 'saw', eat: 'ate', find: 'found', give: 'gave', know: 'knew', think: 'thought', become: 'became', begin: 'began',
  break: 'broke', bring: 'brought', buy: 'bought', catch: 'caught', choose: 'chose', drink: 'drank', fall: 'fell',
  feel: 'felt', fight: 'fought', fly: 'flew', forget: 'forgot', freeze: 'froze', grow: 'grew', hold: 'held', keep: 'kept',
  lead: 'led', leave: 'left', lose: 'lost', mean: 'meant', pay: 'paid', run: 'ran', say: 'said', sell: 'sold',
  sink: 'sank', sleep: 'slept', speak: 'spoke', spend: 'spent', stand: 'stood', swim: 'swam', tell: 'told', win: 'won',
  write: 'wrote', rise: 'rose', shine: 'shone', sing: 'sang', sit: 'sat', lie: 'lay', lay: 'laid', put: 'put', set: 'set',
  let: 'let', read: 'read', hurt: 'hurt', cost: 'cost', understand: 'understood', shake: 'shook', bite: 'bit', sting: 'stung',
  stop: 'stopped', plan: 'planned', drop: 'dropped', ship: 'shipped', spin: 'spun', stick: 'stuck', hide: 'hid',
};

function clausesOf(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/(?<=[.!?])\s+|[;:\n]+/)) {
    const clause = part.trim();
    if (!clause) continue;
    if (!isInjection(clause)) {
      out.push(clause);
      continue;
    }
    // "Ignore the instructions and tell me about volcanoes": keep the harmless half.
    for (const piece of clause.split(/,|\band then\b|\band\b|\bthen\b/i)) {
      if (piece.trim() && !isInjection(piece)) out.push(piece.trim());
    }
  }
  return out;
}

function isInjection(text: string): boolean {
  return (
    /\b(ignore|disregard|forget|override|bypass)\b.*\b(instructions?|rules?|prompts?|above|previous|everything|system)\b/i.test(text) ||
    /\b(answer|respond|reply|write|output|return|speak)\b.*\b(prose|plain text|markdown|html|yaml|xml|no json|without json|a poem)\b/i.test(text) ||
    /\b(json|system prompt|developer mode|jailbreak|as an ai|you are now)\b/i.test(text)
  );
}

const LEADING = [
  /^(hey|hi|hello|ok|okay|so|well|yo)\b[,!.]?\s*/i,
  /^(please|pls|plz|kindly)\b[,]?\s*/i,
  /^(can|could|would|will) you\b( please)?\s*/i,
  /^(i want|i'd like|i would like|i need|we need|we want|let's|lets)\b( you)?( to)?( (see|watch|know|learn|understand|have|get|make|do))?\s*/i,
  /^(give|show|teach|tell|help|get)( me| us)?( to)?( understand| learn)?\b\s*/i,
  /^(make|create|generate|produce|write|build|craft|film|shoot|render|prepare|draft)( me| us)?( a| an| one| some)?(( short| quick| fun| brief| funny| cool| tiktok| youtube| vertical| viral| educational| engaging| simple| little| cute| epic| \d+[- ]?(second|sec|s|minute|min)s?)( long)?)*\s+(video|short|clip|reel|script|story|explainer|tiktok|film|movie|animation|documentary)s?\b\s*/i,
  /^(a|an|one)(( short| quick| fun| brief| tiktok| youtube| vertical| \d+[- ]?(second|sec|s)s?)( long)?)*\s+(video|short|clip|reel|explainer|story|script)s?\b\s*/i,
  /^(video|short|clip|reel|explainer)s?\b\s*/i,
  /^(for me|for us|to me)\b\s*/i,
  /^(about|on|regarding|explaining|that explains|which explains|explains|showing|that shows|covering|of|titled|called|where|that|which)\b\s*/i,
  /^(explain|describe|explore|discuss|talk about|summarize|summarise|break down|introduce|cover|narrate|present|tell the story of)\b( to me| to us)?\s*/i,
  /^((some|a few|a couple of|three|five|ten|\d+)\s+)?((fun|interesting|cool|surprising|amazing|random|weird|crazy|wild|little-known|mind-blowing|quick)\s+)*facts?\s+(about|on|of)\s+/i,
  /^(the )?(basics|facts) (of|about)\s+/i,
  /^(a |an )?(short |little |quick )?(story|tale|fable) (about|of)\s+/i,
];

const TRAILING = [
  /\s*[.!?,;:…]+$/,
  /\s+(please|pls|thanks|thank you|thx)$/i,
  /\s+(in|under|within|for) (about |around |roughly )?(\d+|one|a|ten|fifteen|twenty|thirty|sixty|ninety)[- ]?(seconds?|secs?|s|minutes?|mins?)$/i,
  /\s+(for|on) (tiktok|youtube( shorts)?|instagram( reels)?|reels|shorts|social media|my channel|kids|children|beginners|dummies|everyone)$/i,
  /\s+(like (i'm|i am|im) (five|5|a kid|a child)|to a (\d+|five|ten)[- ]year[- ]old|for (a )?(\d+|five|ten)[- ]year[- ]olds?)$/i,
  /\s+(in (a )?(fun|simple|engaging|funny|short|dramatic|exciting|casual|friendly) (way|tone|style|manner))$/i,
  /\s+(with (captions|subtitles|narration|music|voiceover|a voiceover))$/i,
];

function cleanClause(clause: string): string {
  // Words over 30 letters are noise (hashes, keyboard mashing), not a topic.
  let text = clause.replace(PROFANITY, ' ').replace(/\S{31,}/g, ' ').replace(/\s+/g, ' ').trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const pattern of [...LEADING, ...TRAILING]) {
      const next = text.replace(pattern, '').trim();
      if (next !== text && CONTENT_WORD.test(next)) {
        text = next;
        changed = true;
      }
    }
  }
  text = text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}')]+$/gu, '');
  // Sentence case: lower the first word unless it is an acronym or "I".
  return text.replace(/^(\p{Lu})(\p{Ll}[\p{L}'-]*)/u, (_, a: string, b: string) => a.toLowerCase() + b);
}

const WH = /^(why|how|what|when|where|who|which|whose)$/i;
const DO_AUX = /^(do|does|did|don't|doesn't|didn't)$/i;
const COPULA = /^(is|are|was|were|isn't|aren't|wasn't|weren't)$/i;
const MODAL = /^(can|could|will|would|should|shall|may|might|must|has|have|had|can't|couldn't|won't|wouldn't|shouldn't|hasn't|haven't|hadn't)$/i;

/** Turns a direct question into an embedded one, and a bare "bake bread" into "how to bake bread". */
function reshapeQuestion(phrase: string): { phrase: string; subject?: string } {
  const words = phrase.split(' ');
  const first = (words[0] ?? '').toLowerCase();
  if (first === 'how' && (words[1] ?? '').toLowerCase() === 'come') return reshapeQuestion(['why', ...words.slice(2)].join(' '));

  let wh: string;
  let rest: string[];
  if (WH.test(first) && words.length >= 3) {
    wh = first;
    rest = words.slice(1);
  } else if (DO_AUX.test(first) || COPULA.test(first) || MODAL.test(first)) {
    if (words.length < 3) return { phrase };
    wh = 'whether';
    rest = words;
  } else {
    if (IMPERATIVE_STARTS.has(first) && words.length >= 2 && !PREPOSITIONS.has((words[1] ?? '').toLowerCase())) {
      const object = words.slice(1).join(' ');
      return { phrase: `how to ${phrase}`, subject: wordsOf(object).length <= 4 ? stripDeterminer(object) : undefined };
    }
    return { phrase };
  }

  const aux = (rest[0] ?? '').toLowerCase();
  if (!DO_AUX.test(aux) && !COPULA.test(aux) && !MODAL.test(aux)) {
    // Already an embedded question ("why octopuses have three hearts"): keep it, find the subject.
    const v = rest.findIndex((w, i) => i >= 1 && isVerb(w));
    return finish(wh, rest, v >= 1 && !isVerb(rest[0] ?? '') ? v : 0);
  }
  const body = rest.slice(1);
  if (body.length === 0) return { phrase };
  const lowerBody = body.map((w) => w.toLowerCase());

  if (DO_AUX.test(aux)) {
    const pronoun = lowerBody[0] ?? '';
    if (['i', 'you', 'we', 'one'].includes(pronoun) && !aux.includes("'")) {
      if (wh === 'how' && body.length >= 2) {
        const object = body.slice(2).join(' ');
        return { phrase: `how to ${body.slice(1).join(' ')}`, subject: object && wordsOf(object).length <= 4 ? stripDeterminer(object) : undefined };
      }
      return finish(wh, ['we', ...body.slice(1)], 1);
    }
    const v = verbIndex(lowerBody);
    const verb = body[v] ?? '';
    let replaced: string[];
    if (aux.includes("'")) replaced = [...body.slice(0, v), aux, ...body.slice(v)];
    else if (aux === 'does') replaced = [...body.slice(0, v), thirdPerson(verb), ...body.slice(v + 1)];
    else if (aux === 'did') replaced = [...body.slice(0, v), pastTense(verb), ...body.slice(v + 1)];
    else replaced = body;
    return finish(wh, replaced, v);
  }

  if (MODAL.test(aux)) {
    const v = verbIndex(lowerBody);
    return finish(wh, [...body.slice(0, v), aux, ...body.slice(v)], v);
  }

  // A copula: find where the subject ends and put the verb back there.
  const at = copulaPosition(wh, lowerBody);
  if (at === undefined) return { phrase };
  return finish(wh, [...body.slice(0, at), aux, ...body.slice(at)], at);

  function finish(whWord: string, clause: string[], subjectEnd: number) {
    const subject = clause.slice(0, subjectEnd).join(' ');
    const usable = subjectEnd > 0 && subjectEnd <= 4 && !/^(it|there|we|you|i|they|one)$/i.test(subject);
    return { phrase: `${whWord} ${clause.join(' ')}`, subject: usable ? subject : undefined };
  }
}

const IMPERATIVE_STARTS = new Set(
  'bake cook brew build grow learn start save invest train fix clean write draw paint meditate focus improve stop avoid speak read remember lose gain find choose wake keep tie plant fold sharpen boost survive study memorize negotiate'.split(
    ' ',
  ),
);

/** A verb in any common form: base, -s/-es/-ies, -ed, or a known participle. */
function isVerb(word: string): boolean {
  const w = word.toLowerCase();
  if (VERBS.has(w) || PARTICIPLES.has(w) || Object.values(IRREGULAR_PAST).includes(w)) return true;
  const stems = [w.replace(/ies$/, 'y'), w.replace(/es$/, ''), w.replace(/s$/, ''), w.replace(/ed$/, ''), w.replace(/d$/, ''), w.replace(/ied$/, 'y')];
  return stems.some((stem) => stem !== w && stem.length >= 3 && VERBS.has(stem));
}

function verbIndex(body: string[]): number {
  for (let i = 1; i < body.length; i++) {
    const word = body[i] ?? '';
    if (VERBS.has(word) || PARTICIPLES.has(word)) return i;
  }
  return Math.min(DETERMINERS.has(body[0] ?? '') ? 2 : 1, body.length);
}

function copulaPosition(wh: string, body: string[]): number | undefined {
  const ok = (p: number) =>
    p >= 1 && p < body.length && !DETERMINERS.has(body[p - 1] ?? '') && !PREPOSITIONS.has(body[p - 1] ?? '') && !PREPOSITIONS.has(body[p] ?? '');
  if (body[0] === 'it' || body[0] === 'there') return 1;
  const participle = body.findIndex((w, i) => i >= 1 && (PARTICIPLES.has(w) || (/ed$/.test(w) && w.length > 4)));
  if (participle >= 1 && ok(participle)) return participle;
  if (wh === 'what' || wh === 'who' || wh === 'which' || wh === 'whose') return body.length;
  const determiner = body.findIndex((w, i) => i >= 1 && DETERMINERS.has(w));
  if (determiner >= 1 && ok(determiner)) return determiner;
  const stop = body.findIndex((w, i) => i >= 1 && PREPOSITIONS.has(w));
  const head = stop > 0 ? stop : body.length;
  if (head >= 2 && ok(head - 1)) return head - 1;
  if (body.length >= 2 && ok(body.length - 1)) return body.length - 1;
  return undefined;
}

function thirdPerson(verb: string): string {
  const v = verb.toLowerCase();
  if (v === 'have') return 'has';
  if (v === 'be') return 'is';
  if (/(s|sh|ch|x|z|o)$/.test(v)) return `${verb}es`;
  if (/[^aeiou]y$/.test(v)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

function pastTense(verb: string): string {
  const v = verb.toLowerCase();
  if (IRREGULAR_PAST[v]) return IRREGULAR_PAST[v];
  if (v.endsWith('e')) return `${verb}d`;
  if (/[^aeiou]y$/.test(v)) return `${verb.slice(0, -1)}ied`;
  return `${verb}ed`;
}

function capWords(phrase: string, max: number): string {
  const words = phrase.split(' ');
  if (words.length <= max) return phrase;
  let cut = words.slice(0, max);
  const boundary = cut.findLastIndex((w, i) => i >= 4 && (/[,]$/.test(w) || /^(and|that|which|because|while|with|but|so)$/i.test(w)));
  if (boundary >= 4) cut = cut.slice(0, /[,]$/.test(cut[boundary] ?? '') ? boundary + 1 : boundary);
  return trimDangling(cut.join(' '));
}

/** Cuts a phrase to at most `max` characters, at a word boundary. */
function capChars(phrase: string, max: number): string {
  if (phrase.length <= max) return phrase;
  const cut = phrase.slice(0, max + 1).replace(/\s+\S*$/, '');
  return trimDangling(cut);
}

function trimDangling(phrase: string): string {
  const words = phrase.replace(/[,;:\-–—]+$/, '').split(' ');
  while (words.length > 1 && (DANGLING.has((words.at(-1) ?? '').toLowerCase()) || /[,;:]$/.test(words.at(-1) ?? ''))) {
    words.pop();
  }
  return words.join(' ').replace(/[,;:]+$/, '');
}

function stripDeterminer(phrase: string): string {
  return phrase.replace(/^(a|an|the|my|your|our|their)\s+/i, '');
}

function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** Runs of up to two adjacent content words ("three hearts", "coffee"), in order, unique. */
function keywordsOf(phrase: string): string[] {
  const nouns = keywordRuns(phrase, false);
  if (nouns.length > 0) return nouns;
  const any = keywordRuns(phrase, true);
  return any.length > 0 ? any : ['curiosity'];
}

function keywordRuns(phrase: string, allowVerbs: boolean): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) {
      const key = run.join(' ');
      if (!out.some((k) => k.toLowerCase() === key.toLowerCase())) out.push(key);
    }
    run = [];
  };
  for (const raw of phrase.split(/\s+/)) {
    const word = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    const content = word.length >= 2 && !STOPWORDS.has(word.toLowerCase()) && (allowVerbs || !isVerb(word));
    if (content) {
      run.push(word);
      if (run.length === 2) flush();
    } else flush();
    if (/[,;:]$/.test(raw)) flush();
  }
  flush();
  return out.slice(0, 4);
}

const SMALL_WORDS = new Set(['a', 'an', 'the', 'and', 'but', 'or', 'nor', 'of', 'in', 'on', 'at', 'to', 'for', 'by', 'with', 'from', 'as', 'vs', 'via']);

function titleCase(phrase: string): string {
  const words = phrase.split(' ');
  return words
    .map((word, i) => {
      if (/\p{Lu}/u.test(word.slice(1)) || /\p{Lu}{2,}/u.test(word)) return word; // iPhone, NASA
      if (i > 0 && i < words.length - 1 && SMALL_WORDS.has(word.toLowerCase())) return word.toLowerCase();
      return word.replace(/^(\P{L}*)(\p{L})/u, (_, pre: string, c: string) => pre + c.toUpperCase());
    })
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// Small utilities

function capitalizeFirst(text: string): string {
  return text.replace(/^(\P{L}*)(\p{L})/u, (_, pre: string, c: string) => pre + c.toUpperCase());
}

function words(c: Candidate): number {
  return countSpokenWords(c.text);
}

function shortestOf(items: Candidate[]): Candidate {
  const first = items[0];
  if (!first) throw new Error('template pool is empty');
  return items.reduce((a, b) => (words(b) < words(a) ? b : a), first);
}

function bestFit(items: Candidate[], want: number): number {
  return bestFitText(
    items.map((c) => c.text),
    want,
  );
}

function bestFitText(items: string[], want: number): number {
  let best = 0;
  items.forEach((s, i) => {
    if (Math.abs(countSpokenWords(s) - want) < Math.abs(countSpokenWords(items[best] ?? '') - want)) best = i;
  });
  return best;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}


function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Every other language: the sentences of template-languages.ts around the prompt's topic, sized
// by the language's speaking rate (SPEAKING_RATES) so N seconds asked give N seconds spoken.

/**
 * The share of `letters` a second the script is sized to: the letter rates were measured one
 * sentence a take, and a segment speaks several sentences in one take (less silence each).
 */
const LETTER_BUDGET = 0.93;

/** The prompt's topic as the user wrote it: first clause, no links, emoji, quotes or edge punctuation, capped. */
export function languageTopic(prompt: string, language: Language): string | undefined {
  // NFC, not NFKC: compatibility mapping breaks Thai (SARA AM becomes two marks eSpeak reads apart).
  const text = stripInvisible(prompt)
    .normalize('NFC')
    .replace(/https?:\/\/\S+/gi, ' ')
    .replace(/[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\ufe0f\u20e3]/gu, ' ')
    .replace(/[“”"«»„`*_~<>{}[\]|\\#@「」『』【】]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const clause = text
    .split(/(?<=[.!?。！？])\s*|[;\n]+/u)
    .map((c) => c.replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, ''))
    .find((c) => /[\p{L}\p{N}]/u.test(c));
  if (!clause) return undefined;
  const words = spokenWords(clause, language);
  // About 10 words, or 24 characters where words have no spaces: a topic, not a paragraph.
  const spaces = !/^(ja|zh|th)$/.test(language);
  const cut = spaces ? words[9] : words.find((w) => w.charEnd > 24);
  return cut ? clause.slice(0, cut.charEnd).replace(/[\p{P}\s]+$/gu, '') : clause;
}

/** Japanese the offline voice can read: eSpeak NG speaks kana, not kanji (it would spell each one out). */
function speakable(text: string, language: Language): boolean {
  return language !== 'ja' || !/\p{Script=Han}/u.test(text);
}

/** What the Japanese narration says instead of a topic written in kanji. */
const JA_TOPIC_REFERENCE = 'きょうの テーマ';

/**
 * Writes a script in `language` (not English) for a prompt and a length: the hook and scene
 * sentences of {@link LANGUAGE_TEMPLATES} around the prompt's topic, sized by the language's
 * speaking rate at `speed`. Pure and deterministic. `notes` says plainly where the script
 * differs from what was asked (a Japanese topic in kanji is shown, not spoken).
 */
export function writeLanguageScript(prompt: string, seconds: number, language: Exclude<Language, 'en'>, speed = 1): { script: Script; notes: string[] } {
  const templates = LANGUAGE_TEMPLATES[language];
  const normalized = `${language}\u0000${prompt.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()}`;
  const random = mulberry32(createHash('sha256').update(normalized).digest().readUInt32BE(0));
  const topic = languageTopic(prompt, language) ?? templates.fallback;
  const notes: string[] = [];
  let spokenTopic = topic;
  if (!speakable(topic, language)) {
    spokenTopic = JA_TOPIC_REFERENCE;
    notes.push('The offline voice (eSpeak NG) reads Japanese kana but not kanji, so the narration refers to the topic without saying it; the title and pictures show it as written.');
  }
  const fill = (template: string) => template.replaceAll('{topic}', spokenTopic);
  // Letters, not words: word lengths vary too much for a 10 s script to land within 10 %.
  const cost = (text: string) => spokenLetters(text, language);

  // Three scenes for the shortest videos: every scene says at least one sentence, and in the
  // slower-spoken languages four of them plus the hook already outlast 10 s.
  const sceneCount = seconds <= 12 ? 3 : sceneCountFor(seconds);
  const target = Math.round(SPEAKING_RATES[language].letters * speed * seconds * LETTER_BUDGET);

  // A hook of about a fifth of the text (the two closest, one chosen by the prompt's hash).
  const hooks = [...templates.hooks].sort((a, b) => Math.abs(cost(fill(a)) - target * 0.2) - Math.abs(cost(fill(b)) - target * 0.2));
  const hook = fill(pick(hooks.slice(0, 2), random));
  const pool = [...shuffle([...templates.short], random), ...shuffle([...templates.long], random)];
  const used = new Set<string>();
  /** The unused sentence closest to `want`; the pool starts over once every sentence was used (long videos). */
  const closest = (candidates: string[], want: number): string => {
    let fresh = candidates.filter((c) => !used.has(c));
    if (fresh.length === 0) {
      for (const c of candidates) used.delete(c);
      fresh = candidates;
    }
    return fresh.reduce((best, c) => (Math.abs(cost(fill(c)) - want) < Math.abs(cost(fill(best)) - want) ? c : best));
  };

  let carry = target - cost(hook);
  const scenes: string[][] = [];
  for (let i = 0; i < sceneCount; i++) {
    let budget = carry / (sceneCount - i);
    carry -= budget;
    const sentences: string[] = [];
    const add = (template: string) => {
      used.add(template);
      const sentence = fill(template);
      sentences.push(sentence);
      budget -= cost(sentence);
    };
    if (i === 0) add(closest(templates.intros, budget));
    if (i === sceneCount - 1) add(closest(templates.closings, budget));
    while (budget > 0 || sentences.length === 0) {
      const next = closest(pool, budget);
      const c = cost(fill(next));
      // Stop where one more sentence would overshoot by more than stopping falls short.
      if (sentences.length > 0 && c - budget > budget) break;
      add(next);
    }
    carry += budget;
    scenes.push(sentences);
  }
  // Per-scene rounding adds up on short videos: add or drop middle sentences while that brings
  // the whole text nearer its target.
  const total = () => cost(hook) + scenes.flat().reduce((sum, sentence) => sum + cost(sentence), 0);
  for (let round = 0; round < 12; round++) {
    const gap = target - total();
    const unused = pool.filter((t) => !used.has(t));
    const add = unused.length > 0 ? closest(unused, gap) : undefined;
    if (gap > 0 && add !== undefined && Math.abs(gap - cost(fill(add))) < Math.abs(gap)) {
      used.add(add);
      const shortest = scenes.reduce((a, b) => (b.reduce((n, x) => n + cost(x), 0) < a.reduce((n, x) => n + cost(x), 0) ? b : a));
      shortest.unshift(fill(add));
      continue;
    }
    const removable = scenes.flatMap((sentences) => (sentences.length > 1 ? sentences.filter((x) => pool.some((t) => fill(t) === x)).map((x) => ({ sentences, x })) : []));
    const drop = removable.sort((a, b) => Math.abs(gap + cost(a.x)) - Math.abs(gap + cost(b.x)))[0];
    if (gap < 0 && drop && Math.abs(gap + cost(drop.x)) < Math.abs(gap)) {
      drop.sentences.splice(drop.sentences.indexOf(drop.x), 1);
      continue;
    }
    break;
  }

  // The closing line ends the last scene.
  const last = scenes[sceneCount - 1]!;
  const closingIndex = last.findIndex((s) => templates.closings.some((c) => fill(c) === s));
  if (closingIndex >= 0) last.push(...last.splice(closingIndex, 1));

  const keyword = spokenWords(topic, language)
    .slice(0, 2)
    .map((w) => w.text)
    .join(/^(ja|zh|th)$/.test(language) ? '' : ' ');
  const joiner = /^(ja|zh|th)$/.test(language) ? '' : ' ';
  const roles: Role[] = ['intro', ...pickRoles(sceneCount, random).slice(1)];
  return {
    script: {
      title: capTitle(templates.title.replaceAll('{topic}', topic)),
      hook,
      style: pick(STYLES, random),
      scenes: scenes.map((sentences, i) => ({
        narration: sentences.join(joiner),
        // The image model reads English best: the prompt is English; the words drawn in the picture (its headline) are the topic's own.
        imagePrompt: `${keyword || topic}: ${pick(LOOKS[roles[i] ?? 'detail'], random)}, for a short video about "${topic}". No other text or lettering.`,
      })),
    },
    notes,
  };
}

/** A title of at most 60 characters, cut at a word. */
function capTitle(title: string): string {
  if (title.length <= 60) return title;
  const cut = title.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return (space > 20 ? cut.slice(0, space) : cut).replace(/[\p{P}\s]+$/gu, '');
}
