import { LimitExceeded, type LimitName } from '../errors.js';

/**
 * What one user may order (deploy settings, docs/api.md "Limits"): videos in progress at once
 * (QUEUED or RUNNING), and videos ordered per clock hour and per UTC day. Retries count as orders.
 */
export interface UserLimits {
  activeJobs: number;
  jobsPerHour: number;
  jobsPerDay: number;
}

export const DEFAULT_USER_LIMITS: UserLimits = { activeJobs: 3, jobsPerHour: 20, jobsPerDay: 100 };

/** Pipelines one user's videos may hold at once (MAX_RUNNING_PER_USER); the rest wait their turn. */
export const DEFAULT_MAX_RUNNING_PER_USER = 2;

/**
 * Retry-After for "too many in progress": a video takes minutes, and the place frees the moment
 * one ends, so a minute is a fair first wait.
 */
export const ACTIVE_RETRY_AFTER_SECONDS = 60;

/** A counting window: its key (part of the counter item's id) and when it ends. */
export interface Bucket {
  key: string;
  endsAt: Date;
}

/** The clock hour `at` lies in, UTC: `2025-01-02T03`. */
export function hourBucket(at: Date): Bucket {
  const start = new Date(at);
  start.setUTCMinutes(0, 0, 0);
  return { key: start.toISOString().slice(0, 13), endsAt: new Date(start.getTime() + 3600_000) };
}

/** The UTC day `at` lies in: `2025-01-02`. */
export function dayBucket(at: Date): Bucket {
  const start = new Date(at);
  start.setUTCHours(0, 0, 0, 0);
  return { key: start.toISOString().slice(0, 10), endsAt: new Date(start.getTime() + 24 * 3600_000) };
}

/** Whole seconds from `now` until `bucket` ends, at least 1. */
export function secondsUntil(bucket: Bucket, now: Date): number {
  return Math.max(1, Math.ceil((bucket.endsAt.getTime() - now.getTime()) / 1000));
}

/** The error for an order over `limit`, with a message naming it and the wait before it frees. */
export function limitExceeded(limit: LimitName, max: number, now: Date): LimitExceeded {
  const videos = (n: number) => `${n} video${n === 1 ? '' : 's'}`;
  switch (limit) {
    case 'active':
      return new LimitExceeded(
        'active',
        max,
        ACTIVE_RETRY_AFTER_SECONDS,
        `You have ${videos(max)} in progress; the limit is ${max}.`,
      );
    case 'hour':
      return new LimitExceeded('hour', max, secondsUntil(hourBucket(now), now), `You have ordered ${videos(max)} this hour; the limit is ${max} an hour.`);
    case 'day':
      return new LimitExceeded('day', max, secondsUntil(dayBucket(now), now), `You have ordered ${videos(max)} today (UTC); the limit is ${max} a day.`);
  }
}
