/**
 * The storyboard of a video in review (docs/api.md "Review"): a card per scene (picture, narration,
 * picture description, duration hint, Regenerate, Upload, move, delete), the title and hook, the
 * regenerations counter, and one bar to apply the changes or start the render. Edits are kept as
 * a draft and sent together; while the server prepares the new preview the cards are read-only.
 * Also here: the "Edit and render again" button of a finished video and its earlier versions.
 */
import type { PlayerRef } from '@remotion/player';
import { useEffect, useRef, useState, type DragEvent, type RefObject } from 'react';
import {
  addScene,
  draftFrom,
  draftProblem,
  MAX_SCENES,
  MIN_SCENES,
  moveScene,
  moveSceneTo,
  pendingChange,
  regenerationCost,
  regenerationsIn,
  regenerationsLabel,
  removeScene,
  storyboardApi,
  updateScene,
  uploadProblem,
  UPLOAD_TYPES,
  useReviewAction,
  type PendingChange,
  type SceneDraft,
  type StoryboardDraft,
  type StoryboardSceneView,
  type VersionView,
} from '../api/storyboard.js';
import type { Video } from '../api/types.js';
import { formatClock, formatDateTime, plural } from '../lib/format.js';
import { uuid } from '../lib/ids.js';
import { Icon } from './icons.js';
import { useToast } from './toasts.js';
import { Spinner, errorMessage } from './ui.js';

/** What the job is doing after a review action, as far as this page knows (the API has no phase field). */
export type ReviewActivity = 'editing' | 'rendering';

/** The same key for the same request sent again (a double click, a retry after a lost answer). */
function useRequestKey() {
  const last = useRef<{ body: string; key: string } | undefined>(undefined);
  return (body: unknown) => {
    const json = JSON.stringify(body);
    if (last.current?.body !== json) last.current = { body: json, key: uuid() };
    return last.current.key;
  };
}

export function Storyboard({
  video,
  playerRef,
  activity,
  onActivity,
}: {
  video: Video;
  playerRef: RefObject<PlayerRef | null>;
  activity: ReviewActivity | undefined;
  onActivity: (activity: ReviewActivity) => void;
}) {
  const storyboard = video.storyboard!;
  const toast = useToast();
  const editable = video.status === 'REVIEW';
  const preparing = video.status === 'QUEUED' || video.status === 'RUNNING';
  const [draft, setDraft] = useState<StoryboardDraft>(() => draftFrom(storyboard));
  // A new revision (an edit accepted, here or elsewhere) starts a fresh draft from what the server keeps.
  const revision = storyboard.revision;
  // Keyed on the revision alone: a poll's new object for the same revision must not drop the user's typing.
  useEffect(() => setDraft(draftFrom(storyboard)), [revision]);

  const change = pendingChange(storyboard, draft);
  const problem = change ? draftProblem(draft) : undefined;
  const count = change ? regenerationsIn(storyboard, draft) : 0;
  const cost = video.review ? regenerationCost(video.review, count) : 0;
  const keyFor = useRequestKey();

  const apply = useReviewAction(video.id, (api, input: { change: PendingChange; key: string }) => storyboardApi.apply(api, video.id, input.change, input.key));
  const render = useReviewAction(video.id, (api, key: string) => storyboardApi.render(api, video.id, key));
  const regenerate = useReviewAction(video.id, (api, input: { n: number; key: string }) => storyboardApi.regenerate(api, video.id, input.n, input.key));
  const upload = useReviewAction(video.id, (api, input: { n: number; file: File; key: string }) => storyboardApi.upload(api, video.id, input.n, input.file, input.key));
  const busy = apply.isPending || render.isPending || regenerate.isPending || upload.isPending;
  const locked = !editable || busy;
  const error = apply.error ?? render.error ?? regenerate.error ?? upload.error;

  const doApply = () => {
    if (!change || problem || locked) return;
    apply.mutate(
      { change, key: keyFor(change) },
      {
        onSuccess: () => {
          onActivity('editing');
          toast('Changes sent: the preview is being updated', 'info');
        },
      },
    );
  };
  const doRender = () => {
    if (change || locked) return;
    render.mutate(keyFor({ render: revision }), {
      onSuccess: () => {
        onActivity('rendering');
        toast('Rendering the video', 'info');
      },
    });
  };
  const doRegenerate = (n: number) =>
    regenerate.mutate(
      { n, key: keyFor({ regenerate: n, revision }) },
      {
        onSuccess: () => {
          onActivity('editing');
          toast(`A new picture for scene ${n} is on its way`, 'info');
        },
      },
    );
  const doUpload = (n: number, file: File) => {
    const why = uploadProblem(file);
    if (why) return toast(why, 'danger');
    upload.mutate(
      { n, file, key: keyFor({ upload: n, revision, name: file.name, size: file.size }) },
      {
        onSuccess: () => {
          onActivity('editing');
          toast(`Scene ${n} uses your picture`, 'info');
        },
      },
    );
  };

  // Drag to reorder: the handle starts the drag, a card is the drop target.
  const [dragging, setDragging] = useState<number | undefined>();
  const [over, setOver] = useState<number | undefined>();
  const dropOn = (index: number) => {
    if (dragging !== undefined) setDraft((d) => moveSceneTo(d, dragging, index));
    setDragging(undefined);
    setOver(undefined);
  };

  const playScene = (scene: SceneDraft) => {
    const timed = scene.from !== undefined ? video.preview?.scenes[scene.from - 1] : undefined;
    const player = playerRef.current;
    if (!timed || !player) return;
    player.seekTo(timed.startFrame);
    player.play();
    document.querySelector('[data-testid="preview-player"]')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };
  // Scenes line up with the preview only while the order is the server's.
  const previewMatches = !change || change.kind === 'scene';

  return (
    <section className="card storyboard" aria-labelledby="storyboard-title" data-testid="storyboard" data-revision={revision}>
      <header className="storyboard-head">
        <div>
          <h2 id="storyboard-title" className="card-title">
            Storyboard
          </h2>
          <p className="muted small" data-testid="scene-count">
            {plural(draft.scenes.length, 'scene')}
            {video.review ? <> · review until {formatDateTime(video.review.expiresAt)}</> : null}
          </p>
        </div>
        {video.review ? (
          <p className="storyboard-counter small" data-testid="regenerations">
            <Icon name="sparkles" size={14} /> {regenerationsLabel(video.review)}
          </p>
        ) : null}
      </header>

      {preparing ? (
        <p className="callout callout-info" role="status" data-testid="storyboard-updating">
          <Spinner size={14} /> {activity === 'rendering' ? 'Rendering the video from this storyboard…' : 'Updating the preview…'}
        </p>
      ) : video.status === 'EXPIRED' ? (
        <p className="callout callout-warning" role="status">
          <Icon name="clock" size={16} /> The review time ran out, so this video can no longer be edited or rendered.
        </p>
      ) : null}

      {error ? (
        <p className="small tone-danger-text storyboard-error" role="alert" data-testid="storyboard-error">
          {errorMessage(error)}
        </p>
      ) : null}

      {editable ? (
        <div className="storyboard-bar" data-testid="storyboard-bar">
          {change ? (
            <>
              <p className="storyboard-bar-text small">
                <strong>Unsaved changes.</strong>{' '}
                {problem ? (
                  <span className="tone-danger-text">{problem}</span>
                ) : (
                  <span className="muted" data-testid="change-cost">
                    {count === 0 ? 'Free' : `${plural(count, 'change')}${cost > 0 ? ` · costs ${plural(cost, 'credit')}` : ' · included'}`}
                  </span>
                )}
              </p>
              <div className="storyboard-bar-actions">
                <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => setDraft(draftFrom(storyboard))}>
                  Discard
                </button>
                <button type="button" className="btn btn-primary" disabled={busy || Boolean(problem)} onClick={doApply}>
                  {apply.isPending ? <Spinner /> : <Icon name="refresh" size={18} />} Update preview
                </button>
              </div>
            </>
          ) : (
            <>
              <p className="storyboard-bar-text small muted">Happy with the preview? Rendering uses it as it is, at no extra cost.</p>
              <div className="storyboard-bar-actions">
                <button type="button" className="btn btn-primary" disabled={busy} onClick={doRender} data-testid="render">
                  {render.isPending ? <Spinner /> : <Icon name="film" size={18} />} Render video
                </button>
              </div>
            </>
          )}
        </div>
      ) : null}
      <div className="storyboard-top">
        <label className="field">
          <span className="field-label">Title</span>
          <input className="input" value={draft.title} maxLength={120} disabled={locked} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
        </label>
        <label className="field">
          <span className="field-label">Hook</span>
          <textarea className="input textarea" rows={2} value={draft.hook} maxLength={300} disabled={locked} onChange={(e) => setDraft({ ...draft, hook: e.target.value })} />
          <span className="field-hint">Spoken first, over scene 1.</span>
        </label>
      </div>

      <ol className="scene-list" aria-label="Scenes" data-testid="scene-list">
        {draft.scenes.map((scene, index) => (
          <SceneCard
            key={scene.key}
            scene={scene}
            index={index}
            total={draft.scenes.length}
            server={scene.from !== undefined ? storyboard.scenes.find((s) => s.number === scene.from) : undefined}
            fallbackImage={scene.from !== undefined ? video.preview?.scenes[scene.from - 1]?.imageUrl : undefined}
            locked={locked}
            canRegenerate={editable && !busy && !change && scene.from !== undefined}
            canPlay={previewMatches && scene.from !== undefined && Boolean(video.preview)}
            dragging={dragging === index}
            over={over === index && dragging !== undefined && dragging !== index}
            onEdit={(edit) => setDraft((d) => updateScene(d, index, edit))}
            onMove={(by) => setDraft((d) => moveScene(d, index, by))}
            onRemove={() => setDraft((d) => removeScene(d, index))}
            onRegenerate={() => scene.from !== undefined && doRegenerate(scene.from)}
            onUpload={(file) => scene.from !== undefined && doUpload(scene.from, file)}
            onPlay={() => playScene(scene)}
            drag={{
              onDragStart: (e) => {
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/plain', String(index));
                const card = (e.currentTarget as HTMLElement).closest('li');
                if (card) e.dataTransfer.setDragImage(card, 24, 24);
                setDragging(index);
              },
              onDragEnd: () => {
                setDragging(undefined);
                setOver(undefined);
              },
              onDragOver: (e) => {
                if (dragging === undefined) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = 'move';
                if (over !== index) setOver(index);
              },
              onDrop: (e) => {
                e.preventDefault();
                dropOn(index);
              },
            }}
          />
        ))}
      </ol>

      {editable ? (
        <button type="button" className="btn btn-ghost add-scene" disabled={locked || draft.scenes.length >= MAX_SCENES} onClick={() => setDraft(addScene(draft))}>
          <Icon name="plus" size={18} /> Add scene
          {draft.scenes.length >= MAX_SCENES ? <span className="muted small">(at most {MAX_SCENES})</span> : null}
        </button>
      ) : null}

      <p className="visually-hidden">
        Scenes: at least {MIN_SCENES}, at most {MAX_SCENES}. Move a scene with its Move up and Move down buttons, or drag it by its handle.
      </p>
    </section>
  );
}

function SceneCard({
  scene,
  index,
  total,
  server,
  fallbackImage,
  locked,
  canRegenerate,
  canPlay,
  dragging,
  over,
  onEdit,
  onMove,
  onRemove,
  onRegenerate,
  onUpload,
  onPlay,
  drag,
}: {
  scene: SceneDraft;
  index: number;
  total: number;
  server?: StoryboardSceneView;
  fallbackImage?: string;
  locked: boolean;
  canRegenerate: boolean;
  canPlay: boolean;
  dragging: boolean;
  over: boolean;
  onEdit: (edit: Partial<SceneDraft>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  onRegenerate: () => void;
  onUpload: (file: File) => void;
  onPlay: () => void;
  drag: {
    onDragStart: (e: DragEvent) => void;
    onDragEnd: () => void;
    onDragOver: (e: DragEvent) => void;
    onDrop: (e: DragEvent) => void;
  };
}) {
  const n = index + 1;
  const image = server?.imageUrl ?? fallbackImage;
  const fileInput = useRef<HTMLInputElement>(null);
  const id = `scene-${scene.key}`;
  return (
    <li
      className={`scene-card ${dragging ? 'is-dragging' : ''} ${over ? 'is-over' : ''}`}
      data-testid="scene-card"
      data-from={scene.from ?? 'new'}
      onDragOver={drag.onDragOver}
      onDrop={drag.onDrop}
    >
      <div className="scene-head">
        {!locked ? (
          <span className="scene-handle" draggable onDragStart={drag.onDragStart} onDragEnd={drag.onDragEnd} title="Drag to reorder" aria-hidden>
            <Icon name="grip" size={16} />
          </span>
        ) : null}
        <span className="scene-number">Scene {n}</span>
        {scene.from !== undefined && scene.from !== n ? <span className="muted small scene-was">was {scene.from}</span> : null}
        {scene.from === undefined ? <span className="chip chip-new small">New</span> : null}
        {!locked ? (
          <span className="scene-tools">
            <button type="button" className="icon-btn" aria-label={`Move scene ${n} up`} title="Move up" disabled={index === 0} onClick={() => onMove(-1)}>
              <Icon name="arrowUp" size={16} />
            </button>
            <button type="button" className="icon-btn" aria-label={`Move scene ${n} down`} title="Move down" disabled={index === total - 1} onClick={() => onMove(1)}>
              <Icon name="arrowDown" size={16} />
            </button>
            <button type="button" className="icon-btn icon-btn-danger" aria-label={`Delete scene ${n}`} title={total <= MIN_SCENES ? `A video needs at least ${MIN_SCENES} scenes` : 'Delete'} disabled={total <= MIN_SCENES} onClick={onRemove}>
              <Icon name="trash" size={16} />
            </button>
          </span>
        ) : null}
      </div>
      <div className="scene-picture">
        {image ? <img src={image} alt={`Scene ${n}: ${scene.imagePrompt}`} loading="lazy" /> : <span className="scene-picture-empty"><Icon name="image" size={26} /><span className="small">{scene.from === undefined ? 'Drawn when you update the preview' : 'No picture yet'}</span></span>}
        {server?.picture === 'uploaded' ? <span className="scene-badge">Your picture</span> : null}
        {canPlay ? (
          <button type="button" className="scene-play" onClick={onPlay} aria-label={`Play scene ${n}`} title="Play this scene in the preview">
            <Icon name="play" size={16} />
          </button>
        ) : null}
      </div>
      <div className="scene-body">
        <label className="field" htmlFor={`${id}-narration`}>
          <span className="field-label">Narration</span>
        </label>
        <textarea
          id={`${id}-narration`}
          className="input textarea"
          rows={3}
          maxLength={600}
          value={scene.narration}
          disabled={locked}
          aria-label={`Narration, scene ${n}`}
          onChange={(e) => onEdit({ narration: e.target.value })}
        />
        <label className="field" htmlFor={`${id}-prompt`}>
          <span className="field-label">Picture</span>
        </label>
        <textarea
          id={`${id}-prompt`}
          className="input textarea"
          rows={2}
          maxLength={1000}
          value={scene.imagePrompt}
          disabled={locked}
          aria-label={`Picture description, scene ${n}`}
          onChange={(e) => onEdit({ imagePrompt: e.target.value })}
        />
      </div>
      <div className="scene-foot">
        <label className="scene-hint small">
          <span className="muted">At least</span>
          <input
            type="number"
            className="input input-sm"
            min={1}
            max={20}
            step={0.5}
            placeholder="auto"
            value={scene.durationHint ?? ''}
            disabled={locked}
            aria-label={`Minimum seconds, scene ${n}`}
            onChange={(e) => onEdit({ durationHint: e.target.value === '' ? null : Math.min(20, Math.max(1, Number(e.target.value))) })}
          />
          <span className="muted">s</span>
        </label>
        {scene.from !== undefined && !locked ? (
          <span className="scene-actions">
            <button type="button" className="btn btn-ghost btn-sm" disabled={!canRegenerate} title={canRegenerate ? 'Draw a new picture' : 'Update or discard your changes first'} onClick={onRegenerate}>
              <Icon name="retry" size={15} /> Regenerate
            </button>
            <button type="button" className="btn btn-ghost btn-sm" disabled={!canRegenerate} title={canRegenerate ? 'Use your own picture' : 'Update or discard your changes first'} onClick={() => fileInput.current?.click()}>
              <Icon name="image" size={15} /> Upload
            </button>
            <input
              ref={fileInput}
              type="file"
              accept={UPLOAD_TYPES.join(',')}
              className="visually-hidden"
              tabIndex={-1}
              aria-label={`Upload a picture for scene ${n}`}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) onUpload(file);
              }}
            />
          </span>
        ) : null}
      </div>
    </li>
  );
}

/** A finished video's "Edit and render again" (POST /reopen): back to REVIEW with the same storyboard. */
export function ReopenButton({ video, maxVersions = 5 }: { video: Video; maxVersions?: number }) {
  const toast = useToast();
  const reopen = useReviewAction(video.id, (api, _: void) => storyboardApi.reopen(api, video.id));
  const full = (video.versions?.length ?? 0) + 1 >= maxVersions;
  return (
    <button
      type="button"
      className="btn btn-secondary"
      data-testid="reopen"
      disabled={reopen.isPending || full}
      title={full ? `A video keeps at most ${maxVersions} versions` : 'Change scenes and render a new version; this one is kept'}
      onClick={() =>
        reopen.mutate(undefined, {
          onSuccess: () => toast('Back in review: edit the scenes, then render again', 'info'),
          onError: (e) => toast(errorMessage(e), 'danger'),
        })
      }
    >
      {reopen.isPending ? <Spinner /> : <Icon name="wand" size={18} />} Edit and render again
    </button>
  );
}

/** Earlier renders of a reopened video, newest first, with download links. */
export function VersionsList({ versions }: { versions: VersionView[] }) {
  if (versions.length === 0) return null;
  return (
    <section className="card versions-card" aria-labelledby="versions-title" data-testid="versions">
      <h2 id="versions-title" className="card-title">
        Earlier versions
      </h2>
      <ul className="versions">
        {[...versions]
          .sort((a, b) => b.version - a.version)
          .map((v) => (
            <li key={v.version} className="version-row">
              <span>
                <strong>Version {v.version}</strong>
                <span className="muted small">
                  {' '}
                  · {formatDateTime(v.finishedAt)}
                  {v.durationMs ? ` · ${formatClock(v.durationMs / 1000)}` : ''}
                </span>
              </span>
              <a className="btn btn-ghost btn-sm" href={v.url} download={`version-${v.version}.mp4`}>
                <Icon name="download" size={15} /> Download
              </a>
            </li>
          ))}
      </ul>
    </section>
  );
}
