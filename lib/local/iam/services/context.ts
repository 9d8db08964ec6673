/**
 * What every request mapping needs to build ARNs: the local account, region and partition.
 */
export interface ServiceContext {
  /** `000000000000` locally. */
  accountId: string;
  region: string;
  /** Default `aws`. */
  partition?: string;
}

export function partitionOf(ctx: ServiceContext): string {
  return ctx.partition ?? 'aws';
}

/** A request body member as a string, when it is one. */
export function stringField(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A request body member as an object, when it is one. */
export function objectField(input: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = input[name];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A request body member as an array, when it is one. */
export function arrayField(input: Record<string, unknown>, name: string): unknown[] {
  const value = input[name];
  return Array.isArray(value) ? value : [];
}
