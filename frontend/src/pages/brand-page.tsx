/**
 * Brand kit (docs/api.md "Brand kit"): a logo watermark (uploaded through a presigned PUT, then
 * checked by the server), its corner and opacity, the captions' colours and a font — shown live
 * in the composition as they change, and applied to every video ordered with "Use my brand kit".
 */
import { useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { BRAND_FONTS, CAPTION_STYLES, LOGO_POSITIONS, type BrandFont, type CaptionStyle } from '../../../lambdas/core/model.js';
import { brandApi, brandProps, logoProblem, LOGO_TYPES, settingsOf, useBrand, useBrandChange, type BrandSettings } from '../api/brand.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Icon } from '../components/icons.js';
import { LivePreview } from '../components/live-preview.js';
import { useToast } from '../components/toasts.js';
import { ErrorState, PageHeader, Skeleton, Spinner, errorMessage } from '../components/ui.js';
import { formatDateTime } from '../lib/format.js';
import { BRAND_FONT_INFO, CAPTION_INFO, LOGO_POSITION_INFO } from '../lib/options.js';
import { useBrandFont } from '../lib/page-fonts.js';
import { Link } from '../lib/router.js';

export function BrandPage() {
  const brand = useBrand();
  return (
    <div className="page page-brand">
      <PageHeader
        title="Brand kit"
        subtitle="Your logo, colours and font, put on every video you order with “Use my brand kit”. A video keeps the kit it was ordered with."
      />
      {brand.isPending ? (
        <div className="brand-layout">
          <Skeleton height={420} />
          <Skeleton height={420} />
        </div>
      ) : brand.isError ? (
        <ErrorState title="Your brand kit could not be loaded" error={brand.error} onRetry={() => void brand.refetch()} />
      ) : (
        <BrandEditor />
      )}
    </div>
  );
}

function BrandEditor() {
  const brand = useBrand();
  const kit = brand.data ?? null;
  const toast = useToast();
  const [draft, setDraft] = useState<BrandSettings>(() => settingsOf(kit));
  const [sampleStyle, setSampleStyle] = useState<CaptionStyle>('bold');
  const [fileProblem, setFileProblem] = useState<string | undefined>();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const save = useBrandChange(brandApi.save);
  const upload = useBrandChange(async (api, file: File) => {
    // A logo belongs to a kit: a first upload makes the kit from what the page shows.
    if (!kit) await brandApi.save(api, draft);
    return brandApi.uploadLogo(api, file);
  });
  const removeLogo = useBrandChange((api, _: void) => brandApi.removeLogo(api));

  const saved = settingsOf(kit);
  const dirty = !kit || (Object.keys(draft) as (keyof BrandSettings)[]).some((k) => draft[k] !== saved[k]);
  const set = <K extends keyof BrandSettings>(key: K, value: BrandSettings[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const preview = useMemo(() => brandProps(draft, kit?.logoUrl), [draft, kit?.logoUrl]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending) return;
    save.mutate(draft, {
      onSuccess: (answer) => {
        setDraft(settingsOf(answer));
        toast('Brand kit saved');
      },
    });
  };
  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const problem = logoProblem(file);
    setFileProblem(problem);
    upload.reset();
    if (!problem) upload.mutate(file, { onSuccess: () => toast('Logo added') });
  };
  const logoError = fileProblem ?? (upload.isError ? errorMessage(upload.error) : undefined);

  return (
    <form className="brand-layout" onSubmit={submit} noValidate aria-label="Brand kit">
      <div className="card brand-form">
        <section className="field" aria-labelledby="logo-title">
          <h2 id="logo-title" className="field-label">
            Logo
          </h2>
          <div className="brand-logo-row">
            <div className="brand-logo-box" data-testid="brand-logo">
              {kit?.logoUrl ? <img src={kit.logoUrl} alt="Your logo" /> : <span className="muted small">No logo</span>}
            </div>
            <div className="brand-logo-actions">
              <input ref={fileInput} id="logo-file" type="file" accept={LOGO_TYPES.join(',')} className="sr-only" onChange={choose} aria-describedby="logo-help" />
              <button type="button" className="btn btn-secondary" disabled={upload.isPending} onClick={() => fileInput.current?.click()}>
                {upload.isPending ? <Spinner size={14} /> : <Icon name="image" size={16} />}
                {upload.isPending ? 'Uploading…' : kit?.logoUrl ? 'Replace logo' : 'Upload logo'}
              </button>
              {kit?.logoUrl ? (
                <button type="button" className="btn btn-ghost" disabled={removeLogo.isPending} onClick={() => setConfirmRemove(true)}>
                  <Icon name="trash" size={16} /> Remove logo
                </button>
              ) : null}
            </div>
          </div>
          <p id="logo-help" className={logoError ? 'field-error' : 'field-hint'} role={logoError ? 'alert' : undefined} data-testid="logo-help">
            {logoError ?? 'PNG, JPEG or WebP, at most 2 MB, 64 to 2048 pixels a side. A transparent PNG looks best.'}
          </p>
          {removeLogo.isError ? (
            <p className="field-error" role="alert">
              {errorMessage(removeLogo.error)}
            </p>
          ) : null}
        </section>

        <fieldset className="field">
          <legend className="field-label">Logo corner</legend>
          <div className="segmented segmented-sm" role="radiogroup" aria-label="Logo corner">
            {LOGO_POSITIONS.map((p) => (
              <label key={p} className="segment">
                <input type="radio" name="logoPosition" value={p} checked={draft.logoPosition === p} onChange={() => set('logoPosition', p)} />
                <span>{LOGO_POSITION_INFO[p].label}</span>
              </label>
            ))}
          </div>
        </fieldset>

        <div className="field">
          <label className="field-label" htmlFor="logoOpacity">
            Logo opacity <output htmlFor="logoOpacity" className="muted">{Math.round(draft.logoOpacity * 100)} %</output>
          </label>
          <input
            id="logoOpacity"
            type="range"
            className="range"
            min={0.1}
            max={1}
            step={0.05}
            value={draft.logoOpacity}
            onChange={(e) => set('logoOpacity', Math.round(Number(e.target.value) * 100) / 100)}
          />
        </div>

        <fieldset className="field">
          <legend className="field-label">Colours</legend>
          <div className="brand-colors">
            <label className="color-field">
              <input type="color" value={draft.primaryColor} onChange={(e) => set('primaryColor', e.target.value.toUpperCase())} aria-label="Highlight colour" />
              <span>
                <span className="check-title">Highlight</span>
                <code className="muted small">{draft.primaryColor}</code>
              </span>
            </label>
            <label className="color-field">
              <input type="color" value={draft.textColor} onChange={(e) => set('textColor', e.target.value.toUpperCase())} aria-label="Text colour" />
              <span>
                <span className="check-title">Text</span>
                <code className="muted small">{draft.textColor}</code>
              </span>
            </label>
          </div>
          <p className="field-hint">The highlight marks the spoken word (or its box); the text colour is every other word.</p>
        </fieldset>

        <fieldset className="field">
          <legend className="field-label">Font</legend>
          <div className="option-cards brand-fonts">
            {BRAND_FONTS.map((f) => (
              <FontOption key={f} font={f} checked={draft.font === f} onChange={() => set('font', f)} />
            ))}
          </div>
          <p className="field-hint">Scripts a font lacks (Arabic, Hindi, Japanese …) are drawn in Noto.</p>
        </fieldset>

        <div className="brand-save">
          <button type="submit" className="btn btn-primary" disabled={save.isPending || !dirty}>
            {save.isPending ? <Spinner size={14} /> : <Icon name="check" size={16} />} {kit ? 'Save changes' : 'Save brand kit'}
          </button>
          <span className="muted small" data-testid="brand-state">
            {dirty ? 'Unsaved changes' : kit?.updatedAt ? `Saved ${formatDateTime(kit.updatedAt)}` : 'Saved'}
          </span>
        </div>
        {save.isError ? (
          <p className="field-error" role="alert">
            {errorMessage(save.error)}
          </p>
        ) : null}
      </div>

      <aside className="card brand-preview" aria-label="Preview">
        <LivePreview choice={{ aspect: '9:16', captionStyle: sampleStyle, language: 'en', brand: preview }} label="Preview with your brand kit" />
        <div className="field">
          <label className="field-label" htmlFor="preview-look">
            Caption look in the preview
          </label>
          <div className="select-wrap">
            <Icon name="captions" size={16} />
            <select id="preview-look" className="input select" value={sampleStyle} onChange={(e) => setSampleStyle(e.target.value as CaptionStyle)}>
              {CAPTION_STYLES.map((c) => (
                <option key={c} value={c}>
                  {CAPTION_INFO[c]?.label ?? c}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="muted small">
          Shown as it will be drawn, before you save. Order a branded video from{' '}
          <Link href="/" className="link">
            Create
          </Link>
          .
        </p>
      </aside>

      <ConfirmDialog
        open={confirmRemove}
        title="Remove the logo?"
        confirmLabel="Remove logo"
        busy={removeLogo.isPending}
        onConfirm={() => removeLogo.mutate(undefined, { onSuccess: () => setConfirmRemove(false) })}
        onCancel={() => setConfirmRemove(false)}
      >
        Videos ordered from now on have no watermark. Videos already ordered keep theirs.
      </ConfirmDialog>
    </form>
  );
}

/** A brand font to choose, its name written in it. */
function FontOption({ font, checked, onChange }: { font: BrandFont; checked: boolean; onChange: () => void }) {
  const family = useBrandFont(font);
  return (
    <label className="option-card">
      <input type="radio" name="font" value={font} checked={checked} onChange={onChange} />
      <span className="option-card-body">
        <span className="option-title brand-font-name" style={{ fontFamily: `${family}, var(--font)` }}>
          {BRAND_FONT_INFO[font].label}
        </span>
      </span>
    </label>
  );
}
