/** Small shared pieces: status chips, skeletons, empty / error / not-available states. */
import type { CSSProperties, ReactNode } from 'react';
import type { JobStatus } from '../api/types.js';
import { ApiError } from '../api/client.js';
import { Icon, type IconName } from './icons.js';

const STATUS: Record<JobStatus, { label: string; tone: string }> = {
  QUEUED: { label: 'Queued', tone: 'neutral' },
  RUNNING: { label: 'Making', tone: 'info' },
  REVIEW: { label: 'Ready to review', tone: 'warning' },
  SUCCEEDED: { label: 'Ready', tone: 'success' },
  FAILED: { label: 'Failed', tone: 'danger' },
  EXPIRED: { label: 'Expired', tone: 'neutral' },
};

export function StatusChip({ status, className = '' }: { status: JobStatus; className?: string }) {
  const { label, tone } = STATUS[status];
  return (
    <span className={`status-chip tone-${tone} ${className}`} data-status={status}>
      <span className="status-dot" aria-hidden />
      {label}
    </span>
  );
}

export function Skeleton({ width, height = 14, radius, className = '', style }: { width?: number | string; height?: number | string; radius?: number; className?: string; style?: CSSProperties }) {
  return <span className={`skeleton ${className}`} aria-hidden style={{ width, height, borderRadius: radius, ...style }} />;
}

export function Spinner({ size = 16, label }: { size?: number; label?: string }) {
  return (
    <span className="spinner" style={{ width: size, height: size }} role={label ? 'status' : undefined} aria-label={label} aria-hidden={label ? undefined : true} />
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError || error instanceof Error) return error.message;
  return String(error);
}

export function ErrorState({ title = 'Something went wrong', error, onRetry, compact = false }: { title?: string; error: unknown; onRetry?: () => void; compact?: boolean }) {
  return (
    <div className={`state state-error ${compact ? 'state-compact' : ''}`} role="alert">
      <span className="state-icon tone-danger">
        <Icon name="alert" size={compact ? 18 : 22} />
      </span>
      <div>
        <p className="state-title">{title}</p>
        <p className="muted">{errorMessage(error)}</p>
      </div>
      {onRetry ? (
        <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
          <Icon name="refresh" size={16} /> Try again
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({ icon, title, children, action }: { icon: IconName; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <span className="state-icon">
        <Icon name={icon} size={26} />
      </span>
      <p className="state-title">{title}</p>
      {children ? <p className="muted">{children}</p> : null}
      {action}
    </div>
  );
}

/** For features whose server side is not built yet: says so, never shows made-up numbers. */
export function NotAvailable({ what, compact = false }: { what: string; compact?: boolean }) {
  return (
    <div className={`state state-na ${compact ? 'state-compact' : ''}`} role="note">
      <span className="state-icon">
        <Icon name="clock" size={compact ? 18 : 22} />
      </span>
      <div>
        <p className="state-title">{what} not available yet</p>
        <p className="muted small">This server does not provide it yet.</p>
      </div>
    </div>
  );
}

export function isNotAvailable(error: unknown): boolean {
  return error instanceof ApiError && error.notAvailable;
}

export function PageHeader({ title, subtitle, actions, back }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; back?: ReactNode }) {
  return (
    <header className="page-header">
      {back}
      <div className="page-header-row">
        <div className="page-header-text">
          <h1 className="page-title">{title}</h1>
          {subtitle ? <p className="muted page-subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
    </header>
  );
}
