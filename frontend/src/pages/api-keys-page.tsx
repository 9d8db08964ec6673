/** API keys: create one (shown once, with a copy button), list them, revoke one. */
import { useState, type FormEvent } from 'react';
import { useCreateApiKey, useApiKeys, useRevokeApiKey, type ApiKey, type ApiKeyScope, type CreatedApiKey } from '../api/keys.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Icon } from '../components/icons.js';
import { useToast } from '../components/toasts.js';
import { EmptyState, ErrorState, PageHeader, Skeleton, Spinner, errorMessage } from '../components/ui.js';
import { formatDateTime, timeAgo } from '../lib/format.js';

const SCOPES: { scope: ApiKeyScope; label: string; hint: string }[] = [
  { scope: 'read', label: 'Read', hint: 'list and fetch videos, credits, voices' },
  { scope: 'write', label: 'Write', hint: 'order, retry and delete videos' },
];

export function ApiKeysPage() {
  const list = useApiKeys();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revoke = useRevokeApiKey();
  const toast = useToast();

  const confirmRevoke = () => {
    if (!revoking) return;
    revoke.mutate(revoking.id, {
      onSuccess: () => {
        toast(`Key "${revoking.name}" revoked`);
        if (created?.id === revoking.id) setCreated(null);
        setRevoking(null);
      },
    });
  };

  return (
    <div className="page page-keys">
      <PageHeader
        title="API keys"
        subtitle={
          <>
            Keys let scripts and agents use the API as you: send one as <code>Authorization: Bearer sk_shorts_…</code>. A key cannot
            manage keys or buy credits.
          </>
        }
      />

      {created ? <NewKey created={created} onDone={() => setCreated(null)} /> : <CreateKeyForm onCreated={setCreated} atLimit={!!list.data && list.data.keys.length >= list.data.max} />}

      <section className="card keys-card" aria-labelledby="keys-title">
        <div className="keys-head">
          <h2 id="keys-title" className="card-title">
            Your keys
          </h2>
          {list.data ? (
            <span className="muted small" data-testid="keys-count">
              {list.data.keys.length} of {list.data.max}
            </span>
          ) : null}
        </div>
        {list.isPending ? (
          <div className="stack" aria-busy="true" aria-label="Loading keys">
            {[0, 1].map((i) => (
              <div key={i} className="ledger-row">
                <Skeleton width={36} height={36} radius={10} />
                <div className="stack-sm grow">
                  <Skeleton width="40%" height={14} />
                  <Skeleton width="25%" height={12} />
                </div>
              </div>
            ))}
          </div>
        ) : list.isError ? (
          <ErrorState compact title="Keys unavailable" error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.keys.length === 0 ? (
          <EmptyState icon="key" title="No API keys yet">
            Create one above to call the API from a script, a CI job or an agent.
          </EmptyState>
        ) : (
          <ul className="ledger" data-testid="keys-list">
            {list.data.keys.map((key) => (
              <li key={key.id} className="ledger-row key-row" data-key-id={key.id}>
                <span className="ledger-icon" aria-hidden>
                  <Icon name="key" size={18} />
                </span>
                <div className="ledger-text">
                  <span className="ledger-note">{key.name}</span>
                  <span className="muted small">
                    <code className="key-hint">{key.hint}</code> · {key.scopes.join(' + ')}
                  </span>
                  <span className="muted small">
                    Created {formatDateTime(key.createdAt)} · {key.lastUsedAt ? `last used ${timeAgo(key.lastUsedAt)}` : 'never used'}
                  </span>
                </div>
                <button type="button" className="btn btn-secondary btn-sm" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>
                  <Icon name="trash" size={16} /> Revoke
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this key?"
        confirmLabel="Revoke key"
        busy={revoke.isPending}
        onConfirm={confirmRevoke}
        onCancel={() => {
          setRevoking(null);
          revoke.reset();
        }}
      >
        <p>
          Anything that uses <strong>{revoking?.name}</strong> ({revoking?.hint}) stops working at once. This cannot be undone.
        </p>
        {revoke.isError ? (
          <p className="small tone-danger-text" role="alert">
            {errorMessage(revoke.error)}
          </p>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}

function CreateKeyForm({ onCreated, atLimit }: { onCreated: (key: CreatedApiKey) => void; atLimit: boolean }) {
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['read', 'write']);
  const trimmed = name.trim();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!trimmed || scopes.length === 0) return;
    create.mutate(
      { name: trimmed, scopes },
      {
        onSuccess: (key) => {
          setName('');
          onCreated(key);
        },
      },
    );
  };
  const toggle = (scope: ApiKeyScope) => setScopes((current) => (current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope]));
  return (
    <form className="card keys-create" onSubmit={submit} aria-labelledby="create-key-title">
      <h2 id="create-key-title" className="card-title">
        Create a key
      </h2>
      <div className="field">
        <label className="field-label" htmlFor="key-name">
          Name
        </label>
        <input
          id="key-name"
          className="input"
          value={name}
          maxLength={64}
          placeholder="What it is for: CI, Zapier, my agent…"
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
        />
      </div>
      <fieldset className="field">
        <legend className="field-label">Scopes</legend>
        <div className="keys-scopes">
          {SCOPES.map(({ scope, label, hint }) => (
            <label key={scope} className="keys-scope">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} />
              <span>
                <strong>{label}</strong> <span className="muted small">{hint}</span>
              </span>
            </label>
          ))}
        </div>
        {scopes.length === 0 ? <p className="field-error">Choose at least one scope.</p> : null}
      </fieldset>
      {atLimit ? <p className="callout callout-warning small">You have the most keys an account may hold; revoke one to create another.</p> : null}
      <div>
        <button type="submit" className="btn btn-primary" disabled={!trimmed || scopes.length === 0 || create.isPending || atLimit} data-testid="create-key">
          {create.isPending ? <Spinner /> : <Icon name="plus" size={18} />} Create key
        </button>
      </div>
      {create.isError ? (
        <p className="small tone-danger-text" role="alert">
          {errorMessage(create.error)}
        </p>
      ) : null}
    </form>
  );
}

/** The new key, shown this once. */
function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin): the key stays selectable.
      setCopied(false);
    }
  };
  return (
    <section className="card keys-new" aria-labelledby="new-key-title" data-testid="new-key">
      <h2 id="new-key-title" className="card-title">
        Your new key “{created.name}”
      </h2>
      <p className="callout callout-warning small" role="status">
        <Icon name="alert" size={16} /> Copy it now: this is the only time it is shown. We keep only a fingerprint of it, so it cannot be shown again;
        if you lose it, revoke it and create another. Keep it secret, like a password.
      </p>
      <div className="keys-secret">
        <code data-testid="new-key-value">{created.key}</code>
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => void copy()} data-testid="copy-key">
          <Icon name={copied ? 'check' : 'copy'} size={16} /> {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="muted small">
        Try it: <code>curl -H "Authorization: Bearer $SHORTS_API_KEY" {window.location.origin}/api/videos</code>
      </p>
      <div>
        <button type="button" className="btn btn-primary" onClick={onDone}>
          Done, I saved it
        </button>
      </div>
    </section>
  );
}
