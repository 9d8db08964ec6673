/**
 * Changes one route's API Gateway throttle in the synthesized template, for `alterTemplate`:
 * a test that sends a burst on purpose (a race) raises it; a test of the throttle lowers it.
 */
import type { CfnTemplate } from '../../lib/local/contract/types.js';

export function withRouteThrottle(routeKey: string, throttle: { rate: number; burst: number }): (template: CfnTemplate) => CfnTemplate {
  return (template) => {
    const stage = Object.values(template.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    if (!stage?.Properties) throw new Error('The template has no API Gateway stage.');
    const settings = (stage.Properties.RouteSettings ??= {}) as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    settings[routeKey] = { ThrottlingRateLimit: throttle.rate, ThrottlingBurstLimit: throttle.burst };
    return template;
  };
}

/**
 * Raises every route's throttle (and the stage default): for a test that sends many requests on
 * purpose (the fuzz and hostile-input tests), whose subject is what the functions answer, not
 * API Gateway's 429. test/local/edge.test.ts tests the throttles themselves.
 */
export function withEveryRouteThrottle(throttle: { rate: number; burst: number }): (template: CfnTemplate) => CfnTemplate {
  return (template) => {
    const stage = Object.values(template.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    if (!stage?.Properties) throw new Error('The template has no API Gateway stage.');
    const limits = { ThrottlingRateLimit: throttle.rate, ThrottlingBurstLimit: throttle.burst };
    const settings = (stage.Properties.RouteSettings ??= {}) as Record<string, typeof limits>;
    for (const key of Object.keys(settings)) settings[key] = { ...settings[key], ...limits };
    stage.Properties.DefaultRouteSettings = { ...(stage.Properties.DefaultRouteSettings as object | undefined), ...limits };
    return template;
  };
}
