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
