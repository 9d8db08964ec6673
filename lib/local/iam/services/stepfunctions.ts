/**
 * Step Functions calls → the IAM authorizations they need: the state machine's ARN for the
 * calls that name one (StartExecution, DescribeStateMachine, ListExecutions), the execution's
 * ARN for the calls on an execution (DescribeExecution, StopExecution, GetExecutionHistory).
 */
import type { AuthorizationRequest } from '../authorizer.js';
import { stringField } from './context.js';

/** Operations whose resource is `*` (they name no state machine). */
const UNSCOPED = new Set(['ListStateMachines', 'ListActivities', 'SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat', 'ValidateStateMachineDefinition']);

/** The authorizations a Step Functions call needs (a call naming no ARN gets an empty resource: denied). */
export function stepFunctionsRequests(operation: string, input: Record<string, unknown>): AuthorizationRequest[] {
  const action = `states:${operation}`;
  if (UNSCOPED.has(operation)) return [{ action, resource: '*' }];
  const resource =
    stringField(input, 'executionArn') ?? stringField(input, 'stateMachineArn') ?? stringField(input, 'mapRunArn') ?? stringField(input, 'activityArn') ?? stringField(input, 'resourceArn') ?? '';
  return [{ action, resource }];
}
