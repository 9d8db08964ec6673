/** The CDK app (`npx cdk synth` / `npx cdk deploy`; cdk.json runs this file with tsx). */
import { createApp } from '../lib/cloud/app.js';

createApp().app.synth();
