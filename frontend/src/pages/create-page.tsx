/** Create: a prompt and a few choices, the price and the balance, one button. */
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { creditsFor } from '../../../lambdas/core/credits.js';
import { LANGUAGES, LANGUAGE_INFO, baseLanguage } from '../../../lambdas/core/languages.js';
import {
  ASPECTS,
  CAPTION_POSITIONS,
  CAPTION_SIZES,
  CAPTION_STYLES,
  DEFAULT_SECONDS,
  MAX_VOICE_SPEED,
  MIN_VOICE_SPEED,
  type Aspect,
  type CaptionPosition,
  type CaptionSize,
  type CaptionStyle,
  type VideoRequest,
} from '../../../lambdas/core/model.js';
import { brandProps, settingsOf, useBrand } from '../api/brand.js';
import { useMusic } from '../api/music.js';
import { ApiError } from '../api/client.js';
import { useCreateBatch, type BatchResult } from '../api/batches.js';
import { useCreateVideo, useCredits, useVoices } from '../api/hooks.js';
import { BatchOutcome, BatchPrompts, parsePrompts } from '../components/batch-prompts.js';
import { Icon } from '../components/icons.js';
import { LazyCompositionThumbnail } from '../components/lazy-player.js';
import { LivePreview } from '../components/live-preview.js';
import { MusicPicker } from '../components/music-picker.js';
import { RecentVideos } from '../components/recent-videos.js';
import { Skeleton, Spinner, errorMessage } from '../components/ui.js';
import { useConfig } from '../lib/config-context.js';
import { plural } from '../lib/format.js';
import { uuid } from '../lib/ids.js';
import { ASPECT_INFO, CAPTION_INFO, CAPTION_POSITION_INFO, CAPTION_SIZE_INFO, LENGTHS, MUSIC_INFO, OFFLINE_VOICES, PROMPT_IDEAS } from '../lib/options.js';
import { useScriptFont } from '../lib/page-fonts.js';
import { previewProps } from '../lib/preview-props.js';
import { Link, navigate } from '../lib/router.js';

const PROMPT_MIN = 3;
const PROMPT_MAX = 500;

export function CreatePage() {
  const config = useConfig();
  const credits = useCredits();
  const create = useCreateVideo();
  const [prompt, setPrompt] = useState('');
  const [seconds, setSeconds] = useState<number>(DEFAULT_SECONDS);
  const [aspect, setAspect] = useState<Aspect>('9:16');
  const [voice, setVoice] = useState('');
  const [captionStyle, setCaptionStyle] = useState<CaptionStyle>('bold');
  // 'auto': the caption style's own place and size (the fields are left out of the request).
  const [captionPosition, setCaptionPosition] = useState<CaptionPosition | 'auto'>('auto');
  const [captionSize, setCaptionSize] = useState<CaptionSize | 'auto'>('auto');
  const [language, setLanguage] = useState<string>('en');
  const [music, setMusic] = useState('none');
  const [voiceSpeed, setVoiceSpeed] = useState(1);
  const [useBrandKit, setUseBrandKit] = useState(false);
  const brand = useBrand();
  const tracks = useMusic().data?.tracks ?? [];
  const kit = brand.data ?? undefined;
  // The chosen language's native name is written in its script: the page loads the face that draws it.
  const scriptFont = useScriptFont(language);
  const [touched, setTouched] = useState(false);
  // Review before render: stop once the scenes, voice and captions exist, to edit them first.
  const [review, setReview] = useState(false);
  // One key per video being asked for: a double click or a resent request makes one video.
  const idempotencyKey = useRef(uuid());
  // Many videos at once (POST /api/batches): one key per batch, kept until every line started,
  // so sending again orders only the refused lines.
  const [mode, setMode] = useState<'one' | 'many'>('one');
  const [batchText, setBatchText] = useState('');
  const [csvName, setCsvName] = useState<string | undefined>();
  const [batchResult, setBatchResult] = useState<BatchResult | undefined>();
  const batchKey = useRef(uuid());
  const batch = useCreateBatch();

  // The server's own list (GET /api/voices): any other voice is refused before it is paid for.
  const served = useVoices();
  const voices = served.data ?? config.voices ?? (config.mode === 'local' ? OFFLINE_VOICES : []);
  // The look and sound chosen here, as request fields: the same for one video and for every line of a batch.
  const looks = useMemo(
    (): Partial<VideoRequest> => ({
      language,
      music,
      ...(captionPosition !== 'auto' ? { captionPosition } : {}),
      ...(captionSize !== 'auto' ? { captionSize } : {}),
      ...(voiceSpeed !== 1 ? { voiceSpeed } : {}),
      ...(useBrandKit && kit ? { brand: true } : {}),
    }),
    [language, music, captionPosition, captionSize, voiceSpeed, useBrandKit, kit],
  );
  const previewBrand = useMemo(() => (useBrandKit && kit ? brandProps(settingsOf(kit), kit.logoUrl) : undefined), [useBrandKit, kit]);
  const parsed = useMemo(
    () => parsePrompts(batchText, Boolean(csvName), { seconds, aspect, captionStyle, ...looks, ...(voice ? { voice } : {}) }),
    [batchText, csvName, seconds, aspect, captionStyle, voice, looks],
  );
  const many = mode === 'many';
  const cost = many ? parsed.lines.reduce((sum, line) => sum + creditsFor(line.request), 0) : creditsFor({ seconds });
  const balance = credits.data?.balance;
  const trimmed = prompt.trim();
  const promptProblem =
    trimmed.length < PROMPT_MIN ? `Describe your video in at least ${PROMPT_MIN} characters.` : trimmed.length > PROMPT_MAX ? `Keep it under ${PROMPT_MAX} characters.` : undefined;
  const serverError = create.error instanceof ApiError ? create.error : undefined;
  const promptError = (touched && promptProblem) || (serverError?.field === 'prompt' ? serverError.message : undefined);
  const short = balance !== undefined && balance < cost;

  const batchBlocked = many ? (parsed.problem ?? (parsed.lines.length === 0 ? 'Add at least one prompt.' : undefined)) : undefined;
  const blocked: string | undefined = batchBlocked ?? (credits.isPending
    ? 'Checking your balance…'
    : credits.isError
      ? 'Your balance could not be loaded.'
      : short
        ? many
          ? `These videos cost ${plural(cost, 'credit')} and you have ${plural(balance ?? 0, 'credit')}.`
          : `This video costs ${plural(cost, 'credit')} and you have ${plural(balance ?? 0, 'credit')}.`
        : undefined);
  const pending = create.isPending || batch.isPending;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (many) {
      if (blocked || pending) return;
      batch.mutate(
        { items: parsed.lines.map((line) => line.request), idempotencyKey: batchKey.current },
        {
          onSuccess: (result) => {
            setBatchResult(result);
            // What the batch made is shown beside the button, which may be below the fold on a phone.
            requestAnimationFrame(() => document.querySelector('[data-testid="batch-outcome"]')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }));
            if (result.summary.refused === 0) {
              batchKey.current = uuid();
              setBatchText('');
              setCsvName(undefined);
            }
          },
        },
      );
      return;
    }
    setTouched(true);
    if (promptProblem || blocked || create.isPending) return;
    create.mutate(
      {
        input: { prompt: trimmed, seconds, aspect, captionStyle, ...looks, ...(voice ? { voice } : {}), ...(review ? { review: true } : {}) },
        idempotencyKey: idempotencyKey.current,
      },
      {
        onSuccess: ({ id }) => {
          idempotencyKey.current = uuid();
          navigate(`/videos/${encodeURIComponent(id)}`);
        },
      },
    );
  };

  return (
    <div className="page page-create">
      <div className="create-hero">
        <h1 className="display-sm">
          What should your <span className="gradient-text">short</span> be about?
        </h1>
        <p className="muted lead">Describe it in a sentence. We write the script, draw the scenes, record the voice and add captions.</p>
      </div>

      <form className="create-layout" onSubmit={submit} noValidate aria-label="Create a video">
        <div className="card create-form">
          <div className="segmented mode-toggle" role="radiogroup" aria-label="How many videos">
            {(['one', 'many'] as const).map((m) => (
              <label key={m} className="segment">
                <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
                <span>{m === 'one' ? 'One video' : 'Many videos'}</span>
              </label>
            ))}
          </div>
          {many ? (
            <BatchPrompts
              text={batchText}
              {...(csvName ? { csvName } : {})}
              {...(parsed.problem ? { problem: parsed.problem } : {})}
              count={parsed.lines.length}
              onText={(text) => {
                setCsvName(undefined);
                setBatchText(text);
              }}
              onCsv={(name, text) => {
                setCsvName(name);
                setBatchText(text);
              }}
            />
          ) : (
          <div className="field">
            <label className="field-label" htmlFor="prompt">
              Prompt
            </label>
            <div className={`prompt-box ${promptError ? 'is-invalid' : ''}`}>
              <textarea
                id="prompt"
                name="prompt"
                className="prompt-input"
                style={scriptFont ? { fontFamily: `var(--font), ${scriptFont}` } : undefined}
                lang={language}
                rows={4}
                maxLength={PROMPT_MAX}
                placeholder="e.g. Why octopuses have three hearts"
                value={prompt}
                onChange={(e) => setPrompt(e.target.value)}
                onBlur={() => prompt !== '' && setTouched(true)}
                aria-invalid={promptError ? true : undefined}
                aria-describedby="prompt-help"
              />
              <div className="prompt-foot">
                <span className={`small ${trimmed.length > PROMPT_MAX - 40 ? 'tone-warning-text' : 'muted'}`}>
                  {trimmed.length}/{PROMPT_MAX}
                </span>
              </div>
            </div>
            <p id="prompt-help" className={promptError ? 'field-error' : 'field-hint'} role={promptError ? 'alert' : undefined}>
              {promptError ?? 'A topic, a question or a story idea works best.'}
            </p>
            {prompt === '' ? (
              <div className="ideas" aria-label="Ideas">
                {PROMPT_IDEAS.map((idea) => (
                  <button key={idea} type="button" className="chip chip-idea" onClick={() => setPrompt(idea)}>
                    <Icon name="sparkles" size={14} /> {idea}
                  </button>
                ))}
              </div>
            ) : null}
          </div>
          )}

          <fieldset className="field">
            <legend className="field-label">Length</legend>
            <div className="segmented" role="radiogroup" aria-label="Length">
              {LENGTHS.map((s) => (
                <label key={s} className="segment">
                  <input type="radio" name="seconds" value={s} checked={seconds === s} onChange={() => setSeconds(s)} />
                  <span>{s} s</span>
                </label>
              ))}
            </div>
            <p className="field-hint">
              Up to 60 s costs 1 credit; longer videos cost 2.
            </p>
          </fieldset>

          <fieldset className="field">
            <legend className="field-label">Shape</legend>
            <div className="option-cards cols-3">
              {ASPECTS.map((a) => (
                <label key={a} className="option-card">
                  <input type="radio" name="aspect" value={a} checked={aspect === a} onChange={() => setAspect(a)} />
                  <span className="option-card-body">
                    <span className={`shape-icon shape-${a.replace(':', 'x')}`} aria-hidden />
                    <span className="option-title">
                      {ASPECT_INFO[a].label} <span className="muted">{a}</span>
                    </span>
                    <span className="option-hint">{ASPECT_INFO[a].hint}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>

          <div className="field">
            <label className="field-label" htmlFor="language">
              Language
            </label>
            <div className="select-wrap">
              <Icon name="globe" size={16} />
              <select
                id="language"
                name="language"
                className="input select"
                style={scriptFont ? { fontFamily: `var(--font), ${scriptFont}` } : undefined}
                value={language}
                onChange={(e) => {
                  setLanguage(e.target.value);
                  // The voices listed are the default's language; the default voice follows the language.
                  setVoice('');
                }}
              >
                {LANGUAGES.map((code) => (
                  <option key={code} value={code}>
                    {LANGUAGE_INFO[code].nativeName === LANGUAGE_INFO[code].name ? LANGUAGE_INFO[code].name : `${LANGUAGE_INFO[code].nativeName} — ${LANGUAGE_INFO[code].name}`}
                  </option>
                ))}
              </select>
            </div>
            <p className="field-hint">The script, the voice and the captions are in this language.</p>
          </div>

          <fieldset className="field">
            <legend className="field-label">Captions</legend>
            <div className="option-cards cols-3 caption-looks">
              {CAPTION_STYLES.map((c) => (
                <label key={c} className="option-card" data-testid={`caption-look-${c}`}>
                  <input type="radio" name="captionStyle" value={c} checked={captionStyle === c} onChange={() => setCaptionStyle(c)} />
                  <span className="option-card-body">
                    <CaptionLook style={c} language={language} />
                    <span className="option-title">{CAPTION_INFO[c]?.label ?? c}</span>
                    <span className="option-hint">{CAPTION_INFO[c]?.hint ?? ''}</span>
                  </span>
                </label>
              ))}
            </div>
            <div className="field-row">
              <div className="segmented segmented-sm" role="radiogroup" aria-label="Caption position">
                {(['auto', ...CAPTION_POSITIONS] as const).map((p) => (
                  <label key={p} className="segment">
                    <input type="radio" name="captionPosition" value={p} checked={captionPosition === p} onChange={() => setCaptionPosition(p)} />
                    <span>{p === 'auto' ? 'Auto' : CAPTION_POSITION_INFO[p].label}</span>
                  </label>
                ))}
              </div>
              <div className="segmented segmented-sm" role="radiogroup" aria-label="Caption size">
                {(['auto', ...CAPTION_SIZES] as const).map((z) => (
                  <label key={z} className="segment">
                    <input type="radio" name="captionSize" value={z} checked={captionSize === z} onChange={() => setCaptionSize(z)} />
                    <span>{z === 'auto' ? 'Auto' : CAPTION_SIZE_INFO[z].label}</span>
                  </label>
                ))}
              </div>
            </div>
            <p className="field-hint">Position and size: Auto keeps the look's own. Every place stays clear of the apps' buttons.</p>
          </fieldset>

          <div className="field">
            <label className="field-label" htmlFor="music">
              Music
            </label>
            <div className="select-wrap has-status">
              <Icon name="music" size={16} />
              <MusicPicker value={music} onChange={setMusic} />
            </div>
          </div>

          {kit ? (
            <label className="check-row">
              <input type="checkbox" name="brand" checked={useBrandKit} onChange={(e) => setUseBrandKit(e.target.checked)} />
              <span>
                <span className="check-title">Use my brand kit</span>
                <span className="field-hint">
                  Your logo, colours and font on this video.{' '}
                  <Link href="/brand" className="link">
                    Edit the kit
                  </Link>
                </span>
              </span>
            </label>
          ) : (
            <label className="check-row is-disabled">
              <input type="checkbox" name="brand" checked={false} disabled aria-describedby="brand-help" />
              <span>
                <span className="check-title">Use my brand kit</span>
                <span className="field-hint" id="brand-help">
                  {brand.isPending ? (
                    'Looking for your brand kit…'
                  ) : brand.isError ? (
                    `Your brand kit could not be loaded: ${errorMessage(brand.error)}`
                  ) : (
                    <>
                      You have no brand kit yet.{' '}
                      <Link href="/brand" className="link">
                        Make one on the Brand page
                      </Link>
                    </>
                  )}
                </span>
              </span>
            </label>
          )}

          {!many ? (
            <label className="check-row">
              <input type="checkbox" name="review" checked={review} onChange={(e) => setReview(e.target.checked)} />
              <span>
                <span className="check-title">Review before rendering</span>
                <span className="field-hint">
                  See the scenes, voice and captions first; change a scene or its picture, then render. A few changes are included in the price.
                </span>
              </span>
            </label>
          ) : null}

          <div className="field">
            <label className="field-label" htmlFor="voice">
              Voice
            </label>
            <div className="select-wrap">
              <Icon name="mic" size={16} />
              <select id="voice" name="voice" className="input select" value={voice} onChange={(e) => setVoice(e.target.value)}>
                <option value="">Default voice</option>
                {voices.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.label}
                  </option>
                ))}
              </select>
            </div>
            {language !== 'en' ? <p className="field-hint">The default voice speaks {LANGUAGE_INFO[baseLanguage(language)].name}.</p> : null}
          </div>

          <div className="field">
            <label className="field-label" htmlFor="voiceSpeed">
              Voice speed <output htmlFor="voiceSpeed" className="muted" data-testid="voice-speed">{voiceSpeed.toFixed(2)}×</output>
            </label>
            <input
              id="voiceSpeed"
              name="voiceSpeed"
              type="range"
              className="range"
              min={MIN_VOICE_SPEED}
              max={MAX_VOICE_SPEED}
              step={0.05}
              value={voiceSpeed}
              onChange={(e) => setVoiceSpeed(Math.round(Number(e.target.value) * 100) / 100)}
            />
            <div className="range-scale small muted" aria-hidden>
              <span>{MIN_VOICE_SPEED}× slower</span>
              <span>{MAX_VOICE_SPEED}× faster</span>
            </div>
          </div>
        </div>

        <aside className="card create-summary" aria-label="Summary">
          <LivePreview
            choice={{
              aspect,
              captionStyle,
              captionPosition: captionPosition === 'auto' ? undefined : captionPosition,
              captionSize: captionSize === 'auto' ? undefined : captionSize,
              language,
              brand: previewBrand,
            }}
          />
          <dl className="summary-list">
            <div>
              <dt>Length</dt>
              <dd>{seconds} s</dd>
            </div>
            <div>
              <dt>Shape</dt>
              <dd>
                {ASPECT_INFO[aspect].label} · {aspect}
              </dd>
            </div>
            <div>
              <dt>Captions</dt>
              <dd>
                {CAPTION_INFO[captionStyle]?.label ?? captionStyle}
                {captionPosition !== 'auto' ? ` · ${CAPTION_POSITION_INFO[captionPosition].label}` : ''}
              </dd>
            </div>
            <div>
              <dt>Language</dt>
              <dd>{LANGUAGE_INFO[baseLanguage(language)].name}</dd>
            </div>
            <div>
              <dt>Music</dt>
              <dd>{music === 'none' ? 'None' : (MUSIC_INFO[music as keyof typeof MUSIC_INFO]?.label ?? (tracks.find((t) => t.trackId === music)?.name ?? 'Your track'))}</dd>
            </div>
            <div>
              <dt>Voice</dt>
              <dd>
                {voices.find((v) => v.id === voice)?.label ?? 'Default'}
                {voiceSpeed !== 1 ? ` · ${voiceSpeed.toFixed(2)}×` : ''}
              </dd>
            </div>
            {useBrandKit && kit ? (
              <div>
                <dt>Brand kit</dt>
                <dd>Applied</dd>
              </div>
            ) : null}
            {!many && review ? (
              <div>
                <dt>Review</dt>
                <dd>Before rendering</dd>
              </div>
            ) : null}
          </dl>
          <div className="summary-cost">
            <div>
              <span className="muted small">Cost</span>
              <strong className="cost-figure" data-testid="cost">
                {plural(cost, 'credit')}
              </strong>
            </div>
            <div className="align-end">
              <span className="muted small">Your balance</span>
              {balance !== undefined ? (
                <strong className={`cost-figure ${short ? 'tone-danger-text' : ''}`}>{plural(balance, 'credit')}</strong>
              ) : credits.isError ? (
                <strong className="cost-figure">—</strong>
              ) : (
                <Skeleton width={80} height={22} />
              )}
            </div>
          </div>
          <button
            type="submit"
            className="btn btn-primary btn-lg btn-block"
            disabled={Boolean(blocked) || pending}
            aria-describedby={blocked ? 'create-blocked' : undefined}
          >
            {pending ? <Spinner /> : <Icon name="wand" size={18} />}
            {pending ? 'Starting…' : many ? (parsed.lines.length ? `Create ${plural(parsed.lines.length, 'video')}` : 'Create videos') : 'Create video'}
          </button>
          {blocked ? (
            <p id="create-blocked" className={`summary-note ${short || credits.isError ? 'tone-danger-text' : 'muted'}`} role={short ? 'status' : undefined}>
              {blocked}{' '}
              {short ? (
                <Link href="/credits" className="link">
                  Buy credits
                </Link>
              ) : credits.isError ? (
                <button type="button" className="link" onClick={() => void credits.refetch()}>
                  Try again
                </button>
              ) : null}
            </p>
          ) : null}
          {many && batch.isError ? (
            <p className="summary-note tone-danger-text" role="alert">
              {errorMessage(batch.error)}
            </p>
          ) : null}
          {many && batchResult ? <BatchOutcome result={batchResult} /> : null}
          {!many && create.isError && serverError?.field !== 'prompt' ? (
            <p className="summary-note tone-danger-text" role="alert">
              {errorMessage(create.error)}
            </p>
          ) : null}
        </aside>
      </form>

      <RecentVideos />
    </div>
  );
}

/** A caption look as the composition draws it: one frame of the sample at 1:1, a word highlighted, cropped to the rows where the looks put their captions. */
function CaptionLook({ style, language }: { style: CaptionStyle; language: string }) {
  const props = useMemo(() => previewProps({ aspect: '1:1', captionStyle: style, language }), [style, language]);
  // 2.5 s in: past the title pill, a page with a spoken, an active and an upcoming word.
  return (
    <span className="caption-look" aria-hidden>
      <span className="caption-look-frame">
        <LazyCompositionThumbnail props={props} frame={75} />
      </span>
    </span>
  );
}
