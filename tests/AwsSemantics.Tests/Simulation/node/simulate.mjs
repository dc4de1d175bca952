// Test-only IAM evaluation for AwsSemantics.Tests. @cloud-copilot/iam-simulate is AGPL-3.0-or-later: it is installed
// into this folder by the tests (npm ci) and runs only here, never in anything this repository ships or deploys.
//
// Usage: node simulate.mjs REQUESTS.json  -> prints one JSON array of decisions, in the requests' order.
// A request: { principal, action, resource, resourceAccount, context, identityPolicies: [{name, policy}], resourcePolicy }.
// No SCPs or RCPs (AWS's default RCPFullAWSAccess still applies), no permission boundary, no session policy.
import { readFileSync } from 'node:fs'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const statementIds = (statements) =>
  (statements ?? []).map((s) => `${s.policyId ?? 'resource policy'}:${s.explain?.identifier ?? '?'}`)

const decide = async (request) => {
  const response = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: request.context ?? {}
      },
      identityPolicies: request.identityPolicies ?? [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy ?? undefined
    },
    {}
  )
  if (response.resultType === 'error') {
    return { result: 'Error', error: JSON.stringify(response.errors), deciding: [] }
  }
  if (response.resultType !== 'single') {
    return { result: 'Error', error: `expected one resource, got a ${response.resultType} result`, deciding: [] }
  }
  const analysis = response.result.analysis ?? {}
  const identity = analysis.identityAnalysis ?? {}
  const resource = analysis.resourceAnalysis ?? {}
  const deciding =
    response.overallResult === 'Allowed'
      ? [...statementIds(identity.allowStatements), ...statementIds(resource.allowStatements)]
      : [...statementIds(identity.denyStatements), ...statementIds(resource.denyStatements)]
  return { result: response.overallResult, deciding }
}

const requests = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const decisions = []
for (const request of requests) {
  try {
    decisions.push(await decide(request))
  } catch (error) {
    decisions.push({ result: 'Error', error: String(error?.stack ?? error), deciding: [] })
  }
}
process.stdout.write(JSON.stringify(decisions))
