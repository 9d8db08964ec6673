/**
 * The pipeline's Lambda functions: which ASL states run them, the `${Substitution}` that
 * names their ARN in state-machines/video-pipeline.asl.json, and their entry file.
 * The CDK stack and the local runner both read this list, so they cannot disagree.
 */
export interface StepFunctionSpec {
  /** PascalCase construct id and function-name suffix. */
  id: string;
  /** Task states (by name) that invoke this function. */
  states: string[];
  /** The ASL placeholder holding the function's ARN. */
  substitution: string;
  /** Handler module, relative to the repository root. */
  entry: string;
  /** Seconds; the render poller and most steps are quick, voice and images call providers. */
  timeoutSeconds: number;
  memoryMb: number;
}

export const STEP_FUNCTIONS: StepFunctionSpec[] = [
  { id: 'GenerateScript', states: ['Generate Script'], substitution: 'GenerateScriptFunctionArn', entry: 'lambdas/steps/generate-script/handler.ts', timeoutSeconds: 120, memoryMb: 512 },
  { id: 'ParseScript', states: ['Parse Script'], substitution: 'ParseScriptFunctionArn', entry: 'lambdas/steps/parse-script/handler.ts', timeoutSeconds: 30, memoryMb: 256 },
  { id: 'GenerateImage', states: ['Generate Image'], substitution: 'GenerateImageFunctionArn', entry: 'lambdas/steps/generate-image/handler.ts', timeoutSeconds: 300, memoryMb: 1024 },
  { id: 'GenerateVoice', states: ['Generate Voice'], substitution: 'GenerateVoiceFunctionArn', entry: 'lambdas/steps/generate-voice/handler.ts', timeoutSeconds: 300, memoryMb: 1024 },
  { id: 'GenerateMusic', states: ['Generate Music'], substitution: 'GenerateMusicFunctionArn', entry: 'lambdas/steps/generate-music/handler.ts', timeoutSeconds: 300, memoryMb: 1024 },
  { id: 'BuildCaptions', states: ['Build Captions'], substitution: 'BuildCaptionsFunctionArn', entry: 'lambdas/steps/build-captions/handler.ts', timeoutSeconds: 30, memoryMb: 256 },
  { id: 'ComputeDuration', states: ['Compute Duration'], substitution: 'ComputeDurationFunctionArn', entry: 'lambdas/steps/compute-duration/handler.ts', timeoutSeconds: 30, memoryMb: 256 },
  { id: 'HoldForReview', states: ['Hold for Review'], substitution: 'HoldForReviewFunctionArn', entry: 'lambdas/steps/hold-for-review/handler.ts', timeoutSeconds: 60, memoryMb: 256 },
  { id: 'StartRender', states: ['Start Render'], substitution: 'StartRenderFunctionArn', entry: 'lambdas/steps/start-render/handler.ts', timeoutSeconds: 120, memoryMb: 512 },
  { id: 'CheckRender', states: ['Check Render'], substitution: 'CheckRenderFunctionArn', entry: 'lambdas/steps/check-render/handler.ts', timeoutSeconds: 60, memoryMb: 256 },
  { id: 'FinalizeJob', states: ['Finalize Job'], substitution: 'FinalizeJobFunctionArn', entry: 'lambdas/steps/finalize-job/handler.ts', timeoutSeconds: 60, memoryMb: 256 },
  { id: 'FailJob', states: ['Fail Job'], substitution: 'FailJobFunctionArn', entry: 'lambdas/steps/fail-job/handler.ts', timeoutSeconds: 60, memoryMb: 256 },
];
