import { Stack } from 'aws-cdk-lib';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { BucketDeployment } from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { nagArn } from './nag.js';

/** Findings every distribution on the default `*.cloudfront.net` certificate has, with why they stay. */
export function suppressDefaultCertificateFindings(distribution: Distribution): void {
  NagSuppressions.addResourceSuppressions(distribution, [
    {
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes; ' +
        'a custom domain with an ACM certificate (TLSv1.2_2021) is a deployment choice this app does not make for the operator.',
    },
    { id: 'AwsSolutions-CFR1', reason: 'The app serves every country; there is no geographic restriction to make.' },
  ]);
}

/**
 * BucketDeployment runs a CDK-managed handler (one per stack and memory size) whose runtime,
 * managed policy and S3 grants aws-cdk-lib sets; each finding is named, none is blanket.
 */
export function suppressBucketDeploymentFindings(deployment: BucketDeployment, destination: IBucket): void {
  const stack = Stack.of(deployment);
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    NagSuppressions.addResourceSuppressions(
      child,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason: "CDK's BucketDeployment handler writes its own logs through AWSLambdaBasicExecutionRole.",
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "CDK's BucketDeployment handler reads the staged zip from the CDK asset bucket and syncs it into the destination " +
            'bucket (get, list, put, delete, abort multipart); aws-cdk-lib writes these grants.',
          appliesTo: [
            'Action::s3:GetBucket*',
            'Action::s3:GetObject*',
            'Action::s3:List*',
            'Action::s3:Abort*',
            'Action::s3:DeleteObject*',
            { regex: '/^Resource::arn:[^:]+:s3:::cdk-[a-z0-9]+-assets-[^/]+\\/\\*$/g' },
            `Resource::${nagArn(destination)}/*`,
          ],
        },
        { id: 'AwsSolutions-L1', reason: "The BucketDeployment handler's runtime is chosen by aws-cdk-lib, not by this app." },
      ],
      true,
    );
  }
}
