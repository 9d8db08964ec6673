/**
 * The stack's contract for the local runtime: the synthesized template (cached), the resolver
 * of its intrinsics, and the {@link StackContract} in local physical values.
 */
export { loadSynthesizedStack, contractHash, contractInputFiles, runSynthChild, SynthesisFailed, type LoadOptions, type RunSynth } from './synthesize.js';
export { resolveValue, resolveString, conditionHolds, UnresolvableIntrinsic, type ResolveContext, type PseudoParameters } from './resolve.js';
export { buildStackContract, ContractError } from './stack-contract.js';
export {
  DEFAULT_BUCKET_NAMES,
  LOCAL_QUEUE_NAMES,
  LOCAL_STATE_MACHINE_NAME,
  localFunctionName,
  localRoleName,
  localLogGroupName,
  localSecretArn,
  localPseudoParameters,
  type LocalNames,
} from './local-names.js';
export * from './types.js';
