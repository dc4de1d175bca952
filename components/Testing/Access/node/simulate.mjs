// Test-only IAM evaluation for the testing kit (Infra.Testing's IamSimulator). @cloud-copilot/iam-simulate is
// AGPL-3.0-or-later: the kit ships only this script and the pins; npm ci installs the evaluator into this folder in the
// test's output at first use, and it runs only there, never in anything this repository ships or deploys.
//
// Usage: node simulate.mjs REQUESTS.json  -> prints one JSON array of decisions, in the requests' order.
// A request: { principal, action, resource, resourceAccount, context, identityPolicies: [{name, policy}], resourcePolicy }.
// No SCPs or RCPs (AWS's default RCPFullAWSAccess still applies), no permission boundary, no session policy.
import { readFileSync } from 'node:fs'
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate'

// The simulator resolves only '/'-style variable condition keys (aws:ResourceTag/x) and drops the others from the
// request as not applicable, so kms:EncryptionContext:<key> would silently never match. The harness carries each such
// key under a stand-in '/'-style name, in the request and in every policy's conditions alike; the simulator's own
// operators (StringEquals, ArnLike, ...) then decide them. Any other key it drops fails the request (see below).
const encryptionContext = /^kms:EncryptionContext:/i
const standIn = (key) => key.replace(encryptionContext, 'aws:ResourceTag/kms-encryption-context:')
const renameKeys = (object) => Object.fromEntries(Object.entries(object ?? {}).map(([key, value]) => [standIn(key), value]))
const renamePolicy = (policy) => {
  if (!policy) return policy
  const copy = structuredClone(policy)
  for (const statement of [copy.Statement].flat()) {
    if (statement?.Condition) {
      statement.Condition = Object.fromEntries(Object.entries(statement.Condition).map(([op, keys]) => [op, renameKeys(keys)]))
    }
  }
  return copy
}

const statementIds = (statements) =>
  (statements ?? []).map((s) => `${s.policyId ?? 'resource policy'}:${s.explain?.identifier ?? '?'}`)

const decide = async (request) => {
  const simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: renameKeys(request.context)
    },
    identityPolicies: (request.identityPolicies ?? []).map((p) => ({ name: p.name, policy: renamePolicy(p.policy) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: renamePolicy(request.resourcePolicy) ?? undefined
  }
  const response = await runSimulation(simulation, {})
  if (response.resultType === 'error' && response.errors?.message === 'multiple.resource.types') {
    // A qualified Lambda ARN (function:name:alias) matches both the function and the alias/version resource types of
    // the service reference, and the validating engine will not pick one. The unvalidated engine evaluates the same
    // policies and context (already checked above for every other request) and returns only the decision.
    return { result: runUnsafeSimulation(simulation, {}), deciding: ['(evaluated without resource-type validation)'] }
  }
  if (response.resultType === 'error') {
    return { result: 'Error', error: JSON.stringify(response.errors), deciding: [] }
  }
  if (response.resultType !== 'single') {
    return { result: 'Error', error: `expected one resource, got a ${response.resultType} result`, deciding: [] }
  }
  const ignored = response.result.ignoredContextKeys ?? []
  if (ignored.length > 0) {
    return { result: 'Error', error: `the simulator ignores condition keys it does not know for ${request.action}: ${ignored.join(', ')}`, deciding: [] }
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
