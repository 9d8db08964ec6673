import { fileURLToPath } from 'node:url';

/** The repository root (no trailing slash), for entry files, the lock file and build outputs. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

