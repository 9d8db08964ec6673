/**
 * Webhooks: register endpoints (the signing secret shown once), list, rotate and delete them, and
 * read each one's delivery log with "Send again" (docs/api.md "Webhooks").
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useApi } from '../api/hooks.js';
import { VIDEO_URL_ENDPOINT, WEBHOOK_EVENTS, webhooksApi, type WebhookDelivery, type WebhookEndpoint, type WebhookEvent } from '../api/webhooks.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Icon } from '../components/icons.js';
import { useToast } from '../components/toasts.js';
import { EmptyState, ErrorState, PageHeader, Skeleton, Spinner, errorMessage } from '../components/ui.js';
import { formatDateTime } from '../lib/format.js';
import { Link } from '../lib/router.js';

const KEY = ['webhooks'] as const;
const deliveriesKey = (id: string) => ['webhooks', id, 'deliveries'] as const;

/** A secret to copy now: it is not shown again. */
function SecretCallout({ title, secret, onDismiss }: { title: string; secret: string; onDismiss: () => void }) {
  const toast = useToast();
  return (
    <div className="callout callout-success webhook-secret" role="status" data-testid="webhook-secret">
      <div className="webhook-secret-body">
        <strong>{title}</strong>
        <p className="small">Copy it now: it is not shown again. Verify each delivery with it (see the API docs).</p>
        <code className="webhook-secret-value" data-testid="webhook-secret-value">
          {secret}
        </code>
      </div>
      <div className="webhook-secret-actions">
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => void navigator.clipboard?.writeText(secret).then(() => toast('Secret copied'), () => toast('Copy it by hand'))}
        >
          Copy
        </button>
        <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onDismiss}>
          <Icon name="x" size={16} />
        </button>
      </div>
    </div>
  );
}

function AddEndpoint({ onCreated, full }: { onCreated: (secret: string) => void; full: boolean }) {
  const api = useApi();
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>([...WEBHOOK_EVENTS]);
  const create = useMutation({
    mutationFn: () => webhooksApi.create(api, { url: url.trim(), events }),
    onSuccess: (created) => {
      setUrl('');
      onCreated(created.secret);
      void client.invalidateQueries({ queryKey: KEY, exact: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (url.trim() && events.length > 0) create.mutate();
  };
  const toggle = (name: WebhookEvent) => setEvents((now) => (now.includes(name) ? now.filter((e) => e !== name) : [...now, name]));
  return (
    <form className="card webhook-add" onSubmit={submit} aria-labelledby="add-webhook-title">
      <h2 id="add-webhook-title" className="card-title">
        Add an endpoint
      </h2>
      <label className="field">
        <span className="field-label">URL</span>
        <input
          className="input"
          type="url"
          inputMode="url"
          placeholder="https://example.com/hooks/ai-shorts"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          aria-invalid={create.isError ? 'true' : undefined}
          required
          maxLength={2048}
        />
        <span className="field-hint">https:// to a public address (locally, http://127.0.0.1 works too).</span>
      </label>
      <fieldset className="field webhook-events">
        <legend className="field-label">Events</legend>
        {WEBHOOK_EVENTS.map((name) => (
          <label key={name} className="webhook-event">
            <input type="checkbox" checked={events.includes(name)} onChange={() => toggle(name)} /> <code>{name}</code>
          </label>
        ))}
      </fieldset>
      {create.isError ? (
        <p className="field-error" role="alert" data-testid="webhook-add-error">
          {errorMessage(create.error)}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={create.isPending || full || !url.trim() || events.length === 0}>
        {create.isPending ? <Spinner size={14} /> : <Icon name="plus" size={16} />} Add endpoint
      </button>
      {full ? <p className="muted small">You have the most endpoints allowed; delete one to add another.</p> : null}
    </form>
  );
}

function attemptLabel(a: WebhookDelivery['attempts'][number]): string {
  return a.status !== undefined ? String(a.status) : (a.error ?? 'error');
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const api = useApi();
  const client = useQueryClient();
  const toast = useToast();
  const log = useQuery({
    queryKey: deliveriesKey(endpointId),
    queryFn: () => webhooksApi.deliveries(api, endpointId),
    // While something is being tried, watch it.
    refetchInterval: (query) => (query.state.data?.deliveries.some((d) => d.state === 'pending') ? 2000 : false),
  });
  const resend = useMutation({
    mutationFn: (deliveryId: string) => webhooksApi.resend(api, endpointId, deliveryId),
    onSuccess: () => {
      toast('Sending again');
      void client.invalidateQueries({ queryKey: deliveriesKey(endpointId) });
    },
    onError: (error) => toast(errorMessage(error)),
  });
  if (log.isPending) return <Skeleton height={60} />;
  if (log.isError) return <ErrorState compact title="The log is unavailable" error={log.error} onRetry={() => void log.refetch()} />;
  if (log.data.deliveries.length === 0) return <p className="muted small" data-testid="deliveries-empty">No deliveries yet. One is sent when a video finishes or fails.</p>;
  return (
    <div className="table-wrap">
      <table className="table webhook-deliveries" data-testid="deliveries">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Video</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {log.data.deliveries.map((d) => (
            <tr key={d.id} data-testid="delivery">
              <td>
                <code>{d.event}</code>
                <div className="muted small" title="webhook-id">
                  {formatDateTime(d.createdAt)}
                </div>
              </td>
              <td>
                <Link href={`/videos/${encodeURIComponent(d.videoId)}`}>{d.videoId.slice(0, 8)}</Link>
              </td>
              <td>
                <span className={`delivery-state delivery-${d.state}`} data-testid="delivery-state">
                  {d.state}
                </span>
                {d.nextAttemptAt ? <div className="muted small">next {formatDateTime(d.nextAttemptAt)}</div> : null}
              </td>
              <td>
                <ol className="delivery-attempts" data-testid="delivery-attempts">
                  {d.attempts.map((a, i) => (
                    <li key={i} title={formatDateTime(a.at)} className={a.status !== undefined && a.status >= 200 && a.status < 300 ? 'ok' : 'bad'}>
                      {attemptLabel(a)}
                    </li>
                  ))}
                </ol>
              </td>
              <td>
                {d.state !== 'pending' ? (
                  <button type="button" className="btn btn-ghost btn-small" disabled={resend.isPending} onClick={() => resend.mutate(d.id)}>
                    <Icon name="retry" size={14} /> Send again
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EndpointCard({ endpoint, onSecret }: { endpoint: WebhookEndpoint; onSecret: (secret: string) => void }) {
  const api = useApi();
  const client = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [asking, setAsking] = useState<'delete' | 'rotate' | undefined>();
  const remove = useMutation({
    mutationFn: () => webhooksApi.remove(api, endpoint.id),
    onSuccess: () => {
      setAsking(undefined);
      setOpen(false);
      // Its log is gone with it: not asked for again.
      client.removeQueries({ queryKey: deliveriesKey(endpoint.id) });
      toast('Endpoint deleted');
      void client.invalidateQueries({ queryKey: KEY, exact: true });
    },
    onError: (error) => toast(errorMessage(error)),
  });
  const rotate = useMutation({
    mutationFn: () => webhooksApi.rotate(api, endpoint.id),
    onSuccess: (answer) => {
      setAsking(undefined);
      onSecret(answer.secret);
    },
    onError: (error) => toast(errorMessage(error)),
  });
  return (
    <li className="card webhook-endpoint" data-testid="webhook-endpoint">
      <div className="webhook-endpoint-head">
        <div className="webhook-endpoint-main">
          <p className="webhook-url" data-testid="webhook-url">
            {endpoint.url}
          </p>
          <p className="muted small">
            {endpoint.events.map((e) => (
              <code key={e} className="webhook-event-chip">
                {e}
              </code>
            ))}{' '}
            · added {formatDateTime(endpoint.createdAt)}
          </p>
        </div>
        <div className="webhook-endpoint-actions">
          <button type="button" className="btn btn-ghost btn-small" aria-expanded={open} onClick={() => setOpen(!open)}>
            Deliveries
          </button>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setAsking('rotate')}>
            Rotate secret
          </button>
          <button type="button" className="btn btn-ghost btn-small btn-danger-text" onClick={() => setAsking('delete')}>
            <Icon name="trash" size={14} /> Delete
          </button>
        </div>
      </div>
      {open ? <DeliveryLog endpointId={endpoint.id} /> : null}
      <ConfirmDialog
        open={asking === 'delete'}
        title="Delete this endpoint?"
        confirmLabel="Delete"
        busy={remove.isPending}
        onConfirm={() => remove.mutate()}
        onCancel={() => setAsking(undefined)}
      >
        {endpoint.url} will get no more deliveries.
      </ConfirmDialog>
      <ConfirmDialog
        open={asking === 'rotate'}
        title="Rotate the signing secret?"
        confirmLabel="Rotate"
        tone="primary"
        busy={rotate.isPending}
        onConfirm={() => rotate.mutate()}
        onCancel={() => setAsking(undefined)}
      >
        You get a new secret. For 24 hours deliveries are signed with both, so you can switch your receiver over.
      </ConfirmDialog>
    </li>
  );
}

export function WebhooksPage() {
  const api = useApi();
  const list = useQuery({ queryKey: KEY, queryFn: () => webhooksApi.list(api) });
  const [secret, setSecret] = useState<{ title: string; value: string } | undefined>();
  const [videoLog, setVideoLog] = useState(false);
  const full = list.data ? list.data.endpoints.length >= list.data.max : false;
  return (
    <div className="page page-webhooks">
      <PageHeader title="Webhooks" subtitle="Get a signed POST when a video succeeds or fails, instead of polling." />
      {secret ? <SecretCallout title={secret.title} secret={secret.value} onDismiss={() => setSecret(undefined)} /> : null}
      <AddEndpoint full={full} onCreated={(value) => setSecret({ title: 'Endpoint added. Its signing secret:', value })} />
      <section aria-labelledby="endpoints-title" className="webhook-list-section">
        <h2 id="endpoints-title" className="section-title">
          Endpoints {list.data ? <span className="muted">({list.data.endpoints.length} of {list.data.max})</span> : null}
        </h2>
        {list.isPending ? (
          <Skeleton height={80} />
        ) : list.isError ? (
          <ErrorState title="Your endpoints are unavailable" error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.endpoints.length === 0 ? (
          <EmptyState icon="external" title="No endpoints yet">
            Add one above; every video you make then reports its end to it.
          </EmptyState>
        ) : (
          <ul className="webhook-list" data-testid="webhook-list">
            {list.data.endpoints.map((endpoint) => (
              <EndpointCard key={endpoint.id} endpoint={endpoint} onSecret={(value) => setSecret({ title: 'New signing secret:', value })} />
            ))}
          </ul>
        )}
      </section>
      <section className="card webhook-video-url" aria-labelledby="video-url-title">
        <h2 id="video-url-title" className="card-title">
          Per-video URLs
        </h2>
        <p className="muted small">
          A video ordered through the API with <code>webhookUrl</code> is delivered there too, signed with your signing secret.
        </p>
        <div className="webhook-endpoint-actions">
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => void webhooksApi.signingSecret(api).then((answer) => setSecret({ title: 'Your signing secret for per-video URLs:', value: answer.secret }))}
          >
            Show signing secret
          </button>
          <button type="button" className="btn btn-ghost btn-small" aria-expanded={videoLog} onClick={() => setVideoLog(!videoLog)}>
            Deliveries
          </button>
        </div>
        {videoLog ? <DeliveryLog endpointId={VIDEO_URL_ENDPOINT} /> : null}
      </section>
    </div>
  );
}
