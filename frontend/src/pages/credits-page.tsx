/** Credits: the balance, buying more (Stripe Checkout, or a labelled simulation locally), the ledger. */
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { CREDIT_SECONDS } from '../../../lambdas/core/credits.js';
import { keys, useApi, useBuyCredits, useCredits, useMe } from '../api/hooks.js';
import type { LedgerEntry } from '../api/types.js';
import { Icon, type IconName } from '../components/icons.js';
import { useToast } from '../components/toasts.js';
import { EmptyState, ErrorState, PageHeader, Skeleton, Spinner, errorMessage } from '../components/ui.js';
import { useSession } from '../auth/session.js';
import { formatDateTime, formatMoney, plural } from '../lib/format.js';
import { Link, navigate, useLocation } from '../lib/router.js';

/** How many credits one can buy at once (the checkout takes 1–100). */
const PACKS = [5, 10, 25] as const;

const KIND: Record<string, { icon: IconName; label: string }> = {
  grant: { icon: 'sparkles', label: 'Welcome credits' },
  debit: { icon: 'film', label: 'Video' },
  refund: { icon: 'retry', label: 'Refund' },
  purchase: { icon: 'coins', label: 'Purchase' },
  reversal: { icon: 'alert', label: 'Payment refunded or disputed' },
  regeneration: { icon: 'wand', label: 'Change in review' },
};

export function CreditsPage() {
  const session = useSession();
  const credits = useCredits();
  const me = useMe();
  const buy = useBuyCredits(session.mode);
  const toast = useToast();
  const client = useQueryClient();
  const { search } = useLocation();
  const checkout = search.get('checkout');

  // Back from Stripe: the webhook credits the purchase, usually within seconds.
  useEffect(() => {
    if (checkout !== 'success') return;
    const timer = window.setInterval(() => void client.invalidateQueries({ queryKey: keys.credits }), 2000);
    const stop = window.setTimeout(() => window.clearInterval(timer), 30_000);
    return () => {
      window.clearInterval(timer);
      window.clearTimeout(stop);
    };
  }, [checkout, client]);

  const [amount, setAmount] = useState<number>(PACKS[1]);
  const purchase = () =>
    buy.mutate(
      { credits: amount },
      {
        onSuccess: (result) => {
          if (result === 'credited') toast(`${plural(amount, 'credit')} added`);
        },
      },
    );

  const priceCents = me.data?.creditPriceCents;
  return (
    <div className="page page-credits">
      <PageHeader title="Credits" subtitle={`One credit makes one video up to ${CREDIT_SECONDS} s; longer videos take two.`} />

      {checkout === 'success' ? (
        <p className="callout callout-success" role="status">
          <Icon name="check" size={16} /> Thank you! Your payment went through; the credits appear here as soon as it is confirmed.
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => navigate('/credits', { replace: true })}>
            <Icon name="x" size={16} />
          </button>
        </p>
      ) : checkout === 'cancel' || checkout === 'cancelled' ? (
        <p className="callout callout-info" role="status">
          <Icon name="info" size={16} /> Checkout was cancelled; nothing was charged.
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => navigate('/credits', { replace: true })}>
            <Icon name="x" size={16} />
          </button>
        </p>
      ) : null}

      <div className="credits-top">
        <section className="card balance-card" aria-labelledby="balance-title">
          <h2 id="balance-title" className="card-eyebrow">
            Balance
          </h2>
          {credits.isPending ? (
            <Skeleton width={120} height={56} />
          ) : credits.isError ? (
            <ErrorState compact title="Balance unavailable" error={credits.error} onRetry={() => void credits.refetch()} />
          ) : (
            <p className={`balance-figure${credits.data.balance < 0 ? ' tone-danger-text' : ''}`} data-testid="credits-balance">
              {credits.data.balance}
              <span className="balance-unit">{credits.data.balance === 1 ? 'credit' : 'credits'}</span>
            </p>
          )}
          {credits.data && credits.data.balance < 0 ? (
            // Only a refunded or disputed payment whose credits were already spent takes the balance below zero.
            <p className="callout callout-warning small" role="status" data-testid="negative-balance">
              <Icon name="alert" size={16} /> A payment of yours was refunded or disputed after its credits were spent, so they were taken back.
              New videos can be made once your balance is above zero again.
            </p>
          ) : (
            <p className="muted small">
              Enough for {credits.data ? plural(credits.data.balance, 'short video') : '…'} up to {CREDIT_SECONDS} s.
            </p>
          )}
        </section>

        <section className="card buy-card" aria-labelledby="buy-title">
          <div className="buy-head">
            <h2 id="buy-title" className="card-title">
              Buy credits
            </h2>
            {session.mode === 'local' ? <span className="badge badge-local">Simulated</span> : null}
          </div>
          {session.mode === 'local' ? (
            <p className="muted small">
              Local mode: no payment is taken. The purchase is sent through the real payment webhook as a locally signed event, so
              it lands in your ledger exactly like a paid one.
            </p>
          ) : (
            <p className="muted small">Secure payment with Stripe. You come back here when it is done.</p>
          )}
          <div className="segmented" role="radiogroup" aria-label="How many credits">
            {PACKS.map((n) => (
              <label key={n} className="segment">
                <input type="radio" name="pack" value={n} checked={amount === n} onChange={() => setAmount(n)} />
                <span className="pack">
                  {n} credits
                  {priceCents !== undefined ? <span className="pack-price">{formatMoney(priceCents * n, me.data?.currency)}</span> : null}
                </span>
              </label>
            ))}
          </div>
          <button type="button" className="btn btn-primary btn-lg" onClick={purchase} disabled={buy.isPending} data-testid="buy-credits">
            {buy.isPending ? <Spinner /> : <Icon name={session.mode === 'local' ? 'sparkles' : 'external'} size={18} />}
            {session.mode === 'local' ? `Simulate buying ${amount} credits` : `Buy ${amount} credits`}
            {session.mode === 'cloud' && priceCents !== undefined ? <span className="btn-note">{formatMoney(priceCents * amount, me.data?.currency)}</span> : null}
          </button>
          {buy.isError ? (
            <p className="small tone-danger-text" role="alert">
              {errorMessage(buy.error)}
            </p>
          ) : null}
        </section>
      </div>

      <Ledger />
    </div>
  );
}

function Ledger() {
  const api = useApi();
  const ledger = useInfiniteQuery({
    queryKey: [...keys.credits, 'ledger'],
    queryFn: ({ pageParam }) => api.credits(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
  });
  const entries = ledger.data?.pages.flatMap((p) => p.ledger) ?? [];
  return (
    <section className="card ledger-card" aria-labelledby="ledger-title">
      <h2 id="ledger-title" className="card-title">
        History
      </h2>
      {ledger.isPending ? (
        <div className="stack" aria-busy="true" aria-label="Loading history">
          {[0, 1, 2].map((i) => (
            <div key={i} className="ledger-row">
              <Skeleton width={36} height={36} radius={10} />
              <div className="stack-sm grow">
                <Skeleton width="40%" height={14} />
                <Skeleton width="25%" height={12} />
              </div>
              <Skeleton width={40} height={16} />
            </div>
          ))}
        </div>
      ) : ledger.isError ? (
        <ErrorState compact title="History unavailable" error={ledger.error} onRetry={() => void ledger.refetch()} />
      ) : entries.length === 0 ? (
        <EmptyState icon="coins" title="No credit movements yet" />
      ) : (
        <>
          <ul className="ledger" data-testid="ledger">
            {entries.map((entry) => (
              <LedgerRow key={entry.id} entry={entry} />
            ))}
          </ul>
          {ledger.hasNextPage ? (
            <div className="center-row">
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => void ledger.fetchNextPage()} disabled={ledger.isFetchingNextPage}>
                {ledger.isFetchingNextPage ? <Spinner /> : null} Show older
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

function LedgerRow({ entry }: { entry: LedgerEntry }) {
  const kind = KIND[entry.kind] ?? { icon: 'coins' as IconName, label: entry.kind };
  const positive = entry.delta > 0;
  return (
    <li className="ledger-row" data-kind={entry.kind}>
      <span className={`ledger-icon kind-${entry.kind}`} aria-hidden>
        <Icon name={kind.icon} size={18} />
      </span>
      <div className="ledger-text">
        <span className="ledger-note">{entry.note || kind.label}</span>
        <span className="muted small">
          {formatDateTime(entry.at)}
          {entry.jobId ? (
            <>
              {' · '}
              <Link href={`/videos/${encodeURIComponent(entry.jobId)}`} className="link">
                View video
              </Link>
            </>
          ) : null}
        </span>
      </div>
      <span className={`ledger-delta ${positive ? 'tone-success-text' : entry.delta < 0 ? 'tone-danger-text' : ''}`}>
        {positive ? '+' : entry.delta < 0 ? '−' : ''}
        {Math.abs(entry.delta)}
      </span>
    </li>
  );
}
