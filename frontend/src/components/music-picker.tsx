import { useRef } from 'react';
import { MOOD_LABELS, useMusic, useUploadTrack } from '../api/music.js';
import { errorMessage, Spinner } from './ui.js';

const UPLOAD = '__upload__';

function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The music under a video: none, a mood, one of the user's tracks, or "Upload a track…" (a file
 * input; the file is sent with a presigned PUT and checked by the server, and chosen once checked).
 */
export function MusicPicker({ value, onChange }: { value: string; onChange(v: string): void }) {
  const music = useMusic();
  const upload = useUploadTrack();
  const file = useRef<HTMLInputElement>(null);
  const moods = music.data?.moods ?? Object.keys(MOOD_LABELS);
  const tracks = music.data?.tracks ?? [];

  const pick = (next: string) => {
    if (next === UPLOAD) {
      file.current?.click();
      return;
    }
    upload.reset();
    onChange(next);
  };
  const send = (chosen: File | undefined) => {
    if (!chosen) return;
    upload.mutate(chosen, { onSuccess: (track) => onChange(track.trackId) });
    if (file.current) file.current.value = '';
  };

  return (
    <div className="music-picker">
      <select id="music" name="music" className="input select" value={value} onChange={(e) => pick(e.target.value)} disabled={upload.isPending} aria-describedby="music-status">
        <option value="none">No music</option>
        <optgroup label="Moods">
          {moods.map((mood) => (
            <option key={mood} value={mood}>
              {MOOD_LABELS[mood] ?? mood}
            </option>
          ))}
        </optgroup>
        {tracks.length > 0 ? (
          <optgroup label="Your tracks">
            {tracks.map((track) => (
              <option key={track.trackId} value={track.trackId}>
                {track.name} ({minutes(track.durationMs)})
              </option>
            ))}
          </optgroup>
        ) : null}
        <option value={UPLOAD}>Upload a track…</option>
      </select>
      <input ref={file} type="file" accept="audio/mpeg,audio/wav,.mp3,.wav" hidden onChange={(e) => send(e.target.files?.[0])} aria-label="Music file (MP3 or WAV, 5 s to 10 min, up to 20 MiB)" />
      <p id="music-status" className="muted small" role="status">
        {upload.isPending ? (
          <>
            <Spinner size={12} /> Uploading and checking the track…
          </>
        ) : upload.isError ? (
          <span className="error-text">{errorMessage(upload.error)}</span>
        ) : (
          'MP3 or WAV, 5 s to 10 min, up to 20 MiB. The music is lowered while the voice speaks.'
        )}
      </p>
    </div>
  );
}
