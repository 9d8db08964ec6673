import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per process (STYLE.md): every line is JSON; steps append the job id. */
export const logger = new Logger({ serviceName: 'ai-shorts' });
